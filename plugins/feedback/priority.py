"""How urgent a piece of feedback is: a score to order the queue by, and a priority that sets the
deadline to respond.

score = severity of the category (0–30) + unhappiness (up to 20, from the sentiment) + a low
rating (up to 8) + the kind (a complaint 5, a return 3) + each urgency cue found (chargeback,
lawyer, public complaint, safety: 25; repeated contact 12; a deadline about to be missed 10) + the
order's value (10 at or above ``high_value``, 15 more for a high-value order not received) + age
against the deadline (up to 10, as it nears).

Priority: ``urgent`` from 60 or with a chargeback, lawyer or safety cue; ``high`` from 40;
``normal`` from 20; else ``low``. Praise is ``low`` whatever else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

SEVERITY = {"not_received": 30, "damaged": 28, "wrong_item": 26, "missing_item": 24, "payment_refund": 24,
            "quality": 20, "delivery_late": 18, "service": 16, "other": 10, "praise": 0}
KIND = {"complaint": 5, "return": 3, "question": 0, "review": 0}

#: Urgency cues: what raises a priority whatever the category, in English and Chinese.
CUES: dict[str, tuple[str, ...]] = {
    "chargeback": ("chargeback", "charge back", "dispute with my bank", "dispute the charge", "disputing",
                   "拒付", "信用卡争议", "银行争议"),
    "lawyer": ("lawyer", "attorney", "legal action", "sue you", "court", "solicitor", "律师", "起诉", "法院", "法律"),
    "public": ("twitter", "facebook", "post online", "social media", "bbb", "trustpilot", "report you", "everyone know",
               "曝光", "微博", "消协", "消费者协会", "12315", "媒体"),
    "safety": ("injur", "hurt my", "caught fire", "fire hazard", "burn", "smoke", "sparks", "electric shock",
               "choking", "sharp edge", "受伤", "起火", "冒烟", "爆炸", "触电", "划伤", "烫伤"),
    "repeated": ("again", "third time", "second time", "still no answer", "already contacted", "emailed you",
                 "multiple times", "several times", "又", "第三次", "第二次", "多次", "一直没人", "再次"),
    "deadline": ("wedding", "birthday", "by friday", "by tomorrow", "tomorrow", "this weekend", "christmas", "gift for",
                 "明天", "婚礼", "生日", "周末", "过节", "急用"),
}
CUE_POINTS = {"chargeback": 25, "lawyer": 25, "public": 25, "safety": 25, "repeated": 12, "deadline": 10}
HARD = ("chargeback", "lawyer", "safety")  # urgent, whatever the score
LEVELS = (("urgent", 60), ("high", 40), ("normal", 20), ("low", float("-inf")))


@dataclass(frozen=True)
class Facts:
    """What the score is made of, beside the text."""

    category: str
    kind: str
    sentiment: float | None
    rating: int | None
    order_value: Decimal | None = None
    high_value: Decimal | None = None
    earlier_contacts: int = 0  # items about the same order or from the same author before this one


def cues(text: str | None) -> list[str]:
    low = (text or "").lower()
    return [name for name, phrases in CUES.items() if any(p in low for p in phrases)]


def score(facts: Facts, found: list[str], *, received_at: datetime | None = None, now: datetime | None = None,
          respond_within: timedelta | None = None) -> float:
    s = float(SEVERITY.get(facts.category, 10)) + KIND.get(facts.kind, 0)
    if facts.sentiment is not None and facts.sentiment < 0:
        s += -facts.sentiment * 20
    if facts.rating is not None and facts.rating <= 2:
        s += 8 if facts.rating == 1 else 4
    s += sum(CUE_POINTS[c] for c in found)
    if facts.earlier_contacts and "repeated" not in found:
        s += CUE_POINTS["repeated"]
    if facts.order_value is not None and facts.high_value is not None and facts.order_value >= facts.high_value:
        s += 10 + (15 if facts.category == "not_received" else 0)
    if received_at and now and respond_within:
        s += 10 * min(1.0, max(0.0, (now - received_at) / respond_within))
    return round(s, 2)


def priority(facts: Facts, found: list[str], points: float) -> str:
    if facts.category == "praise":
        return "low"
    if any(c in HARD for c in found):
        return "urgent"
    return next(name for name, floor in LEVELS if points >= floor)
