"""Write the feedback classifier's labelled sets: the training set that ships with orderhub
(``plugins/feedback/data/labelled.csv``) and the held-out set ``bench/feedback.py`` measures on
(``bench/data/feedback_eval.csv``).

Each category has its own complaint sentences in English and Chinese, written by hand; the two
sets share none of them, and none of the openers, closers and products they are dressed with,
so the held-out figure measures texts the model never saw, not rewordings of them.

    python scripts/feedback_sets.py
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# category: (English train, English held out, Chinese train, Chinese held out)
CORES: dict[str, tuple[list[str], list[str], list[str], list[str]]] = {
    "delivery_late": (
        ["My package is {d} days late and still not here.", "The delivery was supposed to be Monday, it's now Friday.",
         "Shipping took three weeks, far longer than promised.", "Still waiting for {p}, the tracking hasn't moved in days.",
         "Delivery is delayed again with no explanation.", "It arrived a week after the estimated date."],
        ["Why is {p} taking so long? It should have been here by now.",
         "Expected delivery came and went, the parcel is stuck in transit.", "Way past the promised date, I'm tired of waiting."],
        ["快递太慢了，等了{d}天还没到。", "说好周一送到，现在都周五了。", "物流一直不更新，{p}迟迟不到。", "发货太慢，比承诺的晚了一周。",
         "配送延迟，也没有任何通知。", "晚到了好几天，很不满意。"],
        ["怎么还没送到？早就该到了。", "预计送达时间早就过了，包裹卡在路上。", "等得太久了，物流效率太低。"]),
    "not_received": (
        ["I never received {p}.", "Tracking says delivered but nothing arrived.", "The package was lost, I have nothing.",
         "My order never showed up at my door.", "Haven't received anything after a month.",
         "Marked as delivered, but it's not here and the neighbours don't have it."],
        ["Where is my order? Nothing ever came.", "The courier claims it was dropped off, but I got nothing.",
         "I paid and got no parcel at all."],
        ["我根本没收到{p}。", "显示已签收，但是我没有收到包裹。", "包裹丢了，什么都没收到。", "一个月了还是没有收到任何东西。",
         "快递说送到了，可是我没拿到。", "订单一直没到，东西丢了。"],
        ["我的订单在哪？什么都没送来。", "快递员说放门口了，可是门口什么都没有。", "付了钱却没收到货。"]),
    "damaged": (
        ["{P} arrived broken.", "The box was crushed and {p} is cracked.", "The screen was shattered when I opened it.",
         "The bottle leaked all over the package.", "It came dented and scratched.", "The glass was smashed on arrival."],
        ["Opened the parcel and {p} was in pieces.", "The corner is bent and there's a big crack on the side.",
         "The packaging was ripped and the item inside is ruined."],
        ["{p}收到就坏了。", "箱子被压坏了，{p}也裂了。", "打开时屏幕就碎了。", "瓶子漏了，包裹都湿了。", "收到的时候有凹痕和划痕。",
         "玻璃全碎了。"],
        ["拆开包裹发现{p}已经摔成几块了。", "边角变形，侧面还有一条大裂缝。", "包装破了，里面的东西也毁了。"]),
    "wrong_item": (
        ["I ordered a blue one and got a red one.", "You sent the wrong size.", "This is not what I ordered.",
         "I received a completely different item.", "The wrong model was shipped to me.",
         "Got {p} instead of what I bought."],
        ["The item in the box doesn't match my order at all.", "I asked for size M and got XL.",
         "Somebody else's order ended up in my package."],
        ["我买的蓝色，收到的是红色。", "尺码发错了。", "这不是我买的东西。", "收到的是完全不同的商品。", "型号发错了。",
         "买的不是这个，怎么发成了{p}？"],
        ["盒子里的东西和我的订单完全对不上。", "我要的是M码，结果来了XL。", "好像把别人的货发给我了。"]),
    "missing_item": (
        ["One item was missing from my order.", "I only received two of the three items.",
         "The charger was not in the box.", "The order arrived incomplete.", "Part of my order was left out.",
         "The set is missing pieces."],
        ["The box came with {p} but without the accessories listed.", "I paid for four and there were three in the package.",
         "Half of the order is just not there."],
        ["订单少了一件商品。", "买了三件只收到两件。", "盒子里没有充电器。", "收到的货不全。", "漏发了一部分。", "套装缺件。"],
        ["{p}收到了，但配件一个都没有。", "付了四个的钱，包裹里只有三个。", "订单里一半的东西都没发。"]),
    "quality": (
        ["{P} stopped working after two days.", "Very poor quality, it feels cheap.",
         "The stitching fell apart after one wash.", "Defective, it doesn't work at all.", "Flimsy and badly made.",
         "The colour faded after a week."],
        ["The material is thin and it ripped the first time I used it.",
         "The battery dies within an hour, clearly a bad product.",
         "Not worth the money, it is falling to pieces already."],
        ["{p}用了两天就坏掉了。", "质量太差，感觉很廉价。", "洗一次就开线了，做工很差。", "次品，根本不能用。", "做工粗糙，很劣质。",
         "一周就掉色了。"],
        ["材料很薄，第一次用就撕破了。", "电池一个小时就没电，产品很烂。", "不值这个价，已经开始散架了。"]),
    "service": (
        ["Customer service never replied to my emails.", "The support agent was rude.", "Nobody answered the phone.",
         "I've been ignored by your support team.", "Unhelpful staff, no solution offered.",
         "Your chat bot is useless and no human responds."],
        ["I wrote to you three days ago and heard nothing back.", "The person I spoke to hung up on me.",
         "Nobody from your company seems to care about my problem."],
        ["客服一直不回复我的邮件。", "客服态度很差。", "打电话没人接。", "你们的客服根本不理人。", "服务很差，没有给任何解决办法。",
         "机器人客服没用，也没有人工回复。"],
        ["三天前给你们写信，到现在没有回音。", "和我通话的人直接挂了电话。", "你们公司好像没人关心我的问题。"]),
    "payment_refund": (
        ["I was charged twice for one order.", "Still waiting for my refund.", "You overcharged my card.",
         "I returned it but never got my money back.", "The refund amount is wrong.",
         "The order was cancelled but there was no refund."],
        ["My bank statement shows two payments for the same thing.",
         "It's been a month since you promised to return my money.",
         "The amount taken from my account is higher than the price."],
        ["一个订单扣了我两次钱。", "退款还没到账。", "多扣了我的钱。", "已经退货了，钱一直没退。", "退款金额不对。",
         "订单取消了，但是没有退款。"],
        ["银行账单显示同一笔付了两次。", "答应退钱已经一个月了。", "从我账户扣的比价格高。"]),
    "praise": (
        ["Love it, great quality!", "Fast delivery and excellent packaging, thank you.",
         "Perfect, exactly as described.", "Very happy with {p}.", "Highly recommend this shop.",
         "Amazing service, will buy again."],
        ["Arrived early and works beautifully, so pleased.", "Best purchase this year, my wife adores it.",
         "Wonderful seller, everything was smooth."],
        ["很喜欢，质量很好！", "发货快，包装好，谢谢。", "非常满意，和描述一样。", "{p}很好用，满意。", "强烈推荐这家店。",
         "服务超赞，还会再来。"],
        ["提前到了，用起来很棒，非常开心。", "今年买得最值的东西，老婆很喜欢。", "卖家很好，一切都很顺利。"]),
    "other": (
        ["Can I change my delivery address?", "Do you ship to Canada?", "What is the warranty on {p}?",
         "Please update my phone number.", "Is this available in black?", "How do I use the app to track?"],
        ["Could you send me an invoice for my company?", "Do you have a store in Berlin?",
         "When will the new model be in stock?"],
        ["可以改收货地址吗？", "你们发货到加拿大吗？", "{p}保修多久？", "请帮我更新电话号码。", "这个有黑色的吗？", "怎么用App查物流？"],
        ["可以给我开公司发票吗？", "你们在北京有门店吗？", "新款什么时候有货？"]),
}

# (train, held out) dressings
EN_OPEN = (["", "Hi,", "Hello team,", "Ordered last week.", "Order {n}:"], ["", "Dear seller,", "Quick note:", "Re order {n} -"])
EN_CLOSE = (["", "Please help.", "What now?", "Thanks.", "Please fix this."], ["", "Regards.", "Waiting for your answer.", "Cheers"])
EN_PRODUCT = (["the lamp", "my shoes", "the blender", "the phone case", "the jacket"], ["the kettle", "my headphones", "the rug", "the watch"])
ZH_OPEN = (["", "你好，", "您好，", "上周下的单，", "订单{n}："], ["", "亲，", "老板，", "关于订单{n}，"])
ZH_CLOSE = (["", "请帮忙处理。", "怎么办？", "谢谢。", "请尽快解决。"], ["", "等你们回复。", "麻烦看一下。", "辛苦了"])
ZH_PRODUCT = (["台灯", "鞋子", "搅拌机", "手机壳", "外套"], ["水壶", "耳机", "地毯", "手表"])
KIND = {"praise": "review", "other": "question", "payment_refund": "complaint"}


def _dress(rng: random.Random, core: str, lang: str, held: int) -> str:
    opens, closes, products = (EN_OPEN, EN_CLOSE, EN_PRODUCT) if lang == "en" else (ZH_OPEN, ZH_CLOSE, ZH_PRODUCT)
    product = rng.choice(products[held])
    body = core.format(p=product, P=product[:1].upper() + product[1:], d=rng.randint(3, 20))
    n = f"#{rng.randint(1000, 99999)}"
    parts = [rng.choice(opens[held]).format(n=n), body, rng.choice(closes[held])]
    return (" " if lang == "en" else "").join(p for p in parts if p)


def build(held: int, per_core: int, seed: int) -> list[dict[str, str]]:
    rng, rows = random.Random(seed), []
    for category, (en_train, en_held, zh_train, zh_held) in CORES.items():
        for lang, cores in (("en", (en_train, en_held)[held]), ("zh", (zh_train, zh_held)[held])):
            for core in cores:
                for _ in range(per_core):
                    rating = "5" if category == "praise" else ("" if category == "other" else str(rng.choice([1, 1, 2, 3])))
                    rows.append({"text": _dress(rng, core, lang, held), "category": category, "language": lang,
                                 "kind": KIND.get(category, rng.choice(["complaint", "review", "return"])),
                                 "rating": rating})
    rng.shuffle(rows)
    return rows


def write(path: Path, rows: list[dict[str, str]], columns: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


if __name__ == "__main__":
    train = build(held=0, per_core=4, seed=1)
    held = build(held=1, per_core=6, seed=2)
    write(ROOT / "plugins/feedback/data/labelled.csv", train, ["text", "category", "language"])
    write(ROOT / "bench/data/feedback_eval.csv", held, ["text", "category", "language", "kind", "rating"])
    print(f"{len(train)} training rows, {len(held)} held-out rows")
