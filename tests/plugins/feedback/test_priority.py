"""Priority and score (issue #18): severity, sentiment, urgency cues, order value, earlier contacts."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from orderhub_plugins.feedback.priority import Facts, cues, priority, score


def _level(facts: Facts, text: str = "") -> tuple[str, float]:
    found = cues(text)
    points = score(facts, found)
    return priority(facts, found, points), points


def test_cues_are_found_in_english_and_chinese():
    assert cues("I will call my lawyer and dispute the charge") == ["chargeback", "lawyer"]
    assert cues("充电器冒烟了，差点起火") == ["safety"]
    assert cues("第三次联系你们了，要曝光到微博") == ["public", "repeated"]
    assert cues("Lovely lamp") == []


def test_a_chargeback_lawyer_or_safety_cue_is_urgent_whatever_else():
    calm = Facts(category="delivery_late", kind="question", sentiment=0.2, rating=None)
    assert _level(calm)[0] == "low"
    assert _level(calm, "I'll take legal action")[0] == "urgent"
    assert _level(calm, "the charger caught fire")[0] == "urgent"


def test_praise_is_low_and_a_lost_high_value_order_ranks_above_a_cheap_one():
    assert _level(Facts(category="praise", kind="review", sentiment=0.9, rating=5), "tell everyone on twitter") == \
        ("low", 25.0)
    cheap = Facts(category="not_received", kind="complaint", sentiment=-0.5, rating=1, order_value=Decimal("20"),
                  high_value=Decimal("200"))
    dear = Facts(category="not_received", kind="complaint", sentiment=-0.5, rating=1, order_value=Decimal("450"),
                 high_value=Decimal("200"))
    (lc, sc), (ld, sd) = _level(cheap), _level(dear)
    assert sd - sc == 25 and (lc, ld) == ("high", "urgent")


def test_a_repeat_contact_and_age_raise_the_score():
    facts = Facts(category="service", kind="complaint", sentiment=-0.2, rating=None)
    again = Facts(category="service", kind="complaint", sentiment=-0.2, rating=None, earlier_contacts=2)
    assert score(again, []) - score(facts, []) == 12
    t = datetime(2026, 12, 1, tzinfo=UTC)
    fresh = score(facts, [], received_at=t, now=t, respond_within=timedelta(hours=24))
    old = score(facts, [], received_at=t, now=t + timedelta(hours=30), respond_within=timedelta(hours=24))
    assert old - fresh == 10
