"""Each risk signal fires on what it names, with evidence an operator can check, and stays quiet
on the ordinary order; the score is the points' sum, capped at 100."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from orderhub.extend import (Address, ChannelRisk, Customer, LineItem, Order, Payment, PaymentStatus, RiskFact,
                             ShippingLine, Totals)
from orderhub_plugins.risk.settings import DEFAULT_POINTS, RiskOptions
from orderhub_plugins.risk.signals import Facts, detect, identities, level, normal_email, score

NOW = datetime(2026, 11, 20, 10, tzinfo=UTC)
OPTS = RiskOptions(high_risk_countries=["NG"])
PATTERNS = OPTS.compiled()


def order(*, email="ada@gmail.com", phone="+1 512 555 0100", ship_country="US", bill_country=None, lines=None,
          postcode="78701", total="80.00", qty=1, express=False, risk=None, avs=None, cvv=None, company=None):
    ship = Address(name="Ada", lines=lines or ["1 Congress Ave"], city="Austin", postal_code=postcode,
                   country=ship_country, company=company)
    bill = Address(name="Ada", lines=["9 Elm St"], city="X", postal_code="1", country=bill_country) if bill_country else None
    return Order(store="s", channel="shopify", external_id="1", created_at=NOW, updated_at=NOW, currency="USD",
                 customer=Customer(name="Ada", email=email, phone=phone), shipping_address=ship, billing_address=bill,
                 line_items=[LineItem(sku="A", title="A", quantity=qty, unit_price=Decimal(total))],
                 shipping_lines=[ShippingLine(title="Express overnight" if express else "Standard", price=Decimal("5"))],
                 totals=Totals(subtotal=Decimal(total), total=Decimal(total)),
                 payment=Payment(status=PaymentStatus.PAID, avs_result=avs, cvv_result=cvv, card_fingerprint="c1"),
                 channel_risk=risk)


def names(o, facts=None):
    return {s.name for s in detect(o, OPTS, PATTERNS, facts or Facts(known_before=1))}


def test_an_ordinary_order_fires_nothing():
    assert names(order()) == set()


@pytest.mark.parametrize("kwargs, fired", [
    ({"email": "x@mailinator.com"}, "disposable_email"),
    ({"email": "x@mx.yopmail.com"}, "disposable_email"),  # a subdomain of a listed domain
    ({"bill_country": "GB"}, "billing_country_mismatch"),
    ({"phone": "+44 20 7946 0001"}, "phone_country_mismatch"),
    ({"qty": 12}, "many_units"),
    ({"lines": ["c/o Shipito 2000 Main St"]}, "freight_forwarder"),
    ({"postcode": "19720"}, "freight_forwarder"),
    ({"lines": ["P.O. Box 1234"]}, "po_box"),
    ({"lines": ["Postfach 12 34"]}, "po_box"),
    ({"ship_country": "NG", "phone": None}, "high_risk_country"),
    ({"avs": "N"}, "avs_mismatch"),
    ({"cvv": "N"}, "cvv_mismatch"),
    ({"risk": ChannelRisk(level="high", recommendation="cancel", facts=[RiskFact(description="Card declined twice",
                                                                                  sentiment="NEGATIVE")])},
     "channel_risk_high"),
])
def test_each_signal_fires_on_what_it_names(kwargs, fired):
    assert fired in names(order(**kwargs))


def test_a_canadian_number_is_at_home_in_canada_and_a_us_one_too():
    """+1 is shared: compared by calling code, a +1 number shipped to Canada is no mismatch."""
    assert "phone_country_mismatch" not in names(order(phone="+1 416 555 0101", ship_country="CA", postcode="M5H"))
    assert "phone_country_mismatch" not in names(order(phone="030 901820", ship_country="DE", postcode="10117"))


def test_first_order_signals_need_no_history_and_a_high_total():
    first = Facts(known_before=0)
    assert "first_order_high_value" in names(order(total="812.00"), first)
    assert "first_order_high_value" not in names(order(total="812.00"), Facts(known_before=2))
    assert "first_order_high_value" not in names(order(total="90.00"), first)
    assert {"first_order_high_value", "express_first_high_value"} <= names(order(total="812.00", express=True), first)


def test_velocity_and_a_shared_card_fire_at_their_limits():
    assert "velocity_email_1h" in names(order(), Facts(known_before=1, velocity={"email_1h": 3}))
    assert "velocity_email_1h" not in names(order(), Facts(known_before=1, velocity={"email_1h": 2}))
    assert "velocity_card_24h" in names(order(), Facts(known_before=1, velocity={"card_24h": 5}))
    assert "card_many_customers" in names(order(), Facts(known_before=1, card_emails=2))


def test_evidence_names_the_fact_and_the_score_adds_up_to_at_most_100():
    o = order(email="x@mailinator.com", bill_country="GB", avs="N", cvv="N", lines=["Shipito 1"],
              risk=ChannelRisk(level="high", recommendation="cancel"))
    fired = detect(o, OPTS, PATTERNS, Facts(known_before=0))
    by_name = {s.name: s.evidence for s in fired}
    assert "mailinator.com" in by_name["disposable_email"] and "answered N" in by_name["avs_mismatch"]
    assert "recommends cancel" in by_name["channel_risk_high"]
    total, parts = score(fired, DEFAULT_POINTS)
    assert total == 100 and sum(p["points"] for p in parts) > 100
    assert parts[0]["points"] == max(p["points"] for p in parts), "largest contribution first"
    assert level(39, OPTS) == "ok" and level(40, OPTS) == "review" and level(70, OPTS) == "high"


def test_identities_are_normalized_and_hashed():
    a = identities(order(email="Ada.Lovelace+shop@GMail.com"))
    b = identities(order(email="adalovelace@gmail.com", phone="+15125550100"))
    assert a["email"] == b["email"] and a["phone"] == b["phone"]
    assert normal_email("no-at-sign") is None
    assert all("gmail" not in v and len(v) == 32 for v in a.values()), "keys are hashes, not the data"


def test_options_refuse_unknown_signals_and_crossed_thresholds():
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="unknown signal nope"):
        RiskOptions(points={"nope": 5})
    with pytest.raises(ValidationError, match="high_above"):
        RiskOptions(review_above=60, high_above=50)
    with pytest.raises(ValidationError, match="not a regular expression"):
        RiskOptions(po_box_patterns=["("])
