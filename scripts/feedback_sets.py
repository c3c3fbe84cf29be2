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

#: More training sentences per category (English, Chinese), written apart from the held-out ones.
MORE: dict[str, tuple[list[str], list[str]]] = {'delivery_late': (['The estimated arrival was last Tuesday and there is still no sign of it.', 'Shipment has been sitting at the depot for a week.', 'It took almost a month to get here.', 'Every day the delivery date gets pushed back.', 'The courier keeps postponing, {p} is overdue.', 'Ordered in time for the holidays, it came far too late.'], ['预计上周二到，到现在还没有消息。', '包裹在中转站放了一个星期没动。', '差不多一个月才送到。', '送货日期一推再推。', '快递一直拖着不送，{p}早该到了。', '本来是买来过节用的，结果到得太晚了。']), 'not_received': (['The app shows it was handed over, but I have no parcel.', 'Nothing was left at my address.', 'The delivery never happened and now tracking is gone.', 'I still do not have {p} at all.', 'My neighbour and the building office have nothing either.', 'It seems the parcel went missing.'], ['App显示已经投递，可我没有见到包裹。', '我家门口什么都没放。', '根本没送货，现在物流信息也查不到了。', '我到现在都没拿到{p}。', '邻居和物业那里也没有我的快递。', '包裹好像不见了。']), 'damaged': (['The handle snapped off during transport.', "There is a dent in the side and the lid won't close.", 'Liquid spilled everywhere inside the box.', '{P} came with a broken corner.', 'The parcel looked like it had been dropped, the contents are cracked.', 'Pieces of the frame were bent out of shape.'], ['运输过程中把手断了。', '侧面有凹陷，盖子关不上。', '盒子里的液体全洒了。', '{p}到的时候角是破的。', '包裹像是被摔过，里面的东西裂开了。', '框架被压弯变形了。']), 'wrong_item': (['Instead of a large I got a small.', 'The label says a different product than the one I paid for.', 'You shipped the black version, I chose white.', 'This is an entirely different brand.', 'I received {p} that I never ordered.', 'The model number does not match my order.'], ['我买的大号，收到的是小号。', '标签上的商品和我付款的不一样。', '我选的白色，你们发了黑色。', '这完全是另一个牌子。', '收到了我根本没买的{p}。', '型号和订单上的对不上。']), 'missing_item': (['The second pair was not included.', 'The manual and screws were absent.', 'Only part of the set arrived.', '{P} came but the cable is missing.', 'Two items are listed on the invoice but only one was packed.', 'An accessory that should be included is not there.'], ['第二双没有发过来。', '说明书和螺丝都没有。', '套装只到了一部分。', '{p}到了，但是少了数据线。', '发票上两件，箱子里只装了一件。', '应该附带的配件没有。']), 'quality': (['The zipper broke the first day.', 'It overheats and turns off by itself.', 'The fabric is see-through and thin.', '{P} leaks after a single use.', 'Paint is peeling already.', 'It feels like a cheap copy, not the real thing.'], ['拉链第一天就坏了。', '用着发烫还会自己关机。', '布料又薄又透。', '{p}用一次就漏水。', '漆已经开始掉了。', '感觉是便宜的仿品，不是正品。']), 'service': (['Your agent promised a call back that never came.', 'I have been on hold for an hour.', 'The support reply was copy-paste and ignored my question.', 'Nobody takes responsibility when I ask for help.', 'Your staff was impolite on the phone.', 'Live chat closes every time before anyone answers.'], ['客服答应回电话，结果一直没打。', '电话等了一个小时都没人接。', '客服回复是复制粘贴的，根本没回答我的问题。', '找你们帮忙没人负责。', '电话里客服很不礼貌。', '在线客服每次没人回复就关闭了。']), 'payment_refund': (['The refund you confirmed has not reached my card.', 'My card was billed for an order I cancelled.', 'I was charged more than the checkout price.', 'Please return the money for the item I sent back.', 'Two identical payments appeared on my statement.', 'The partial refund is less than agreed.'], ['你们确认的退款还没回到我卡里。', '已经取消的订单还是扣了我的卡。', '扣款比结账时的价格还高。', '我寄回去的商品，请把钱退给我。', '账单上出现了两笔一样的付款。', '部分退款比说好的少。']), 'praise': (['Superb quality and super quick shipping.', 'Exactly what I wanted, very pleased.', 'Beautifully packed, it made a great gift.', '{P} is excellent, five stars.', 'The team was so helpful, thank you very much.', 'Will definitely order again, wonderful experience.'], ['质量超好，发货也很快。', '正是我想要的，很开心。', '包装很精美，送人很合适。', '{p}非常好，五星好评。', '客服很热情，非常感谢。', '下次一定还来买，体验很好。']), 'other': (['Can I add an item to my existing order?', 'Do you offer gift wrapping?', 'Which size should I pick for {p}?', 'Can you deliver to a pickup point?', 'Is there a discount for bulk orders?', 'How do I create an account?'], ['可以在已有订单里加一件商品吗？', '你们有礼品包装吗？', '{p}我应该选哪个尺码？', '可以送到自提点吗？', '批量购买有折扣吗？', '怎么注册账号？'])}
MORE2: dict[str, tuple[list[str], list[str]]] = {'delivery_late': (['Two weeks past the promised window and counting.', 'The shipping estimate was wildly wrong.', 'Why does standard shipping take this long?', '{P} is still in transit after ten days.', 'I paid for express and it is slower than regular post.', 'The order is stuck and the date keeps moving.'], ['比承诺的时间晚了两个星期。', '预计送达时间完全不准。', '普通快递怎么要这么久？', '{p}已经运输十天了还在路上。', '付了加急的钱，比平邮还慢。', '订单一直卡着，送达日期一改再改。']), 'not_received': (['Still empty-handed, the parcel never turned up.', 'Delivered status, yet I never saw a box.', 'My order has vanished somewhere.', 'I was home all day and nobody came, but it says delivered.', 'The item was never delivered to me.', 'I cannot find the package anywhere.'], ['包裹一直没出现，我什么都没拿到。', '状态是已送达，但我从没见到箱子。', '我的订单不知道去哪了。', '我一整天在家没人来，却显示已送达。', '东西从来没有送到我手上。', '到处都找不到这个包裹。']), 'damaged': (['The screen has a crack running across it.', 'It was dented when I unpacked it.', 'The box was soaked and {p} is ruined.', 'Several plates were shattered.', 'The legs were snapped in transit.', 'Everything inside was crushed flat.'], ['屏幕上有一道裂纹。', '拆开时就有凹痕。', '箱子湿透了，{p}也坏了。', '好几个盘子都碎了。', '运输中腿被折断了。', '里面的东西都被压扁了。']), 'wrong_item': (["Got the men's version instead of the women's.", 'You mixed up my order with a different product.', 'I ordered size 38 and received 42.', 'This is the old model, not the one on the page.', 'The colour I received is not the one I selected.', 'Completely different product in the package.'], ['我买的女款，收到的是男款。', '你们把我的订单和别的商品弄混了。', '我买的38码，收到42码。', '这是旧款，不是页面上的那款。', '收到的颜色不是我选的那个。', '包裹里是完全不同的商品。']), 'missing_item': (['The remote was not in the package.', 'I only found one shoe in the box.', 'Half the screws are missing.', 'The bundle should have three pieces, it had two.', '{P} arrived without its lid.', 'The free gift was not included.'], ['包裹里没有遥控器。', '盒子里只有一只鞋。', '螺丝少了一半。', '套装应该有三件，只有两件。', '{p}到了但是没有盖子。', '赠品没有发。']), 'quality': (['The seams came apart within a week.', 'It broke the second time I used it.', 'The coating scratches off easily.', '{P} smells strongly of chemicals.', 'The material is rough and uncomfortable.', 'It rusted after a few days.'], ['一周内缝线就开了。', '用第二次就坏了。', '涂层一刮就掉。', '{p}有很重的化学味。', '材料粗糙，穿着不舒服。', '几天就生锈了。']), 'service': (['I asked three times and got no real answer from support.', 'The agent was dismissive and unfriendly.', 'Your help desk closed my ticket without solving it.', 'No one from the team ever contacted me back.', 'The service I got on the phone was terrible.', "I'm ignored whenever I write to customer care."], ['问了三次客服都没有给真正的答复。', '客服态度冷淡又不友好。', '你们没解决问题就把工单关了。', '你们团队从来没人联系过我。', '电话里的服务太差了。', '每次给客服写信都没人理。']), 'payment_refund': (['I want my money back for the returned parcel.', 'The charge on my card is wrong.', 'My refund was approved two weeks ago and nothing yet.', 'You took payment twice for one purchase.', 'The coupon was not applied and I paid full price.', 'I was billed after cancelling.'], ['退回去的包裹，请退钱给我。', '信用卡上的扣款不对。', '退款两周前就批准了，到现在还没到。', '一次购买扣了两次钱。', '优惠券没有用上，我付了原价。', '取消后还是扣了钱。']), 'praise': (['Really impressed, it works perfectly.', 'Fast, friendly and reliable, thanks a lot.', '{P} exceeded my expectations.', 'Great value for money, very satisfied.', 'Lovely product and lovely service.', 'My kids love it, thank you so much.'], ['印象很深，用起来很完美。', '又快又贴心又靠谱，多谢。', '{p}超出了我的期待。', '性价比很高，非常满意。', '商品好，服务也好。', '孩子们特别喜欢，太感谢了。']), 'other': (['What are your opening hours?', 'Can I pay by bank transfer?', 'Is {p} suitable for outdoor use?', 'Do you have a catalogue I can download?', 'Can I pick up my order in person?', 'What is your return policy?'], ['你们的营业时间是几点？', '可以银行转账付款吗？', '{p}适合户外用吗？', '有可以下载的产品目录吗？', '可以自己上门取货吗？', '你们的退货政策是什么？'])}
for _category, (_en, _zh) in [*MORE.items(), *MORE2.items()]:
    CORES[_category][0].extend(_en)
    CORES[_category][2].extend(_zh)



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
    train = build(held=0, per_core=3, seed=1)
    held = build(held=1, per_core=6, seed=2)
    write(ROOT / "plugins/feedback/data/labelled.csv", train, ["text", "category", "language"])
    write(ROOT / "bench/data/feedback_eval.csv", held, ["text", "category", "language", "kind", "rating"])
    print(f"{len(train)} training rows, {len(held)} held-out rows")
