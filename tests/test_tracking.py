"""Normalized tracking: status tables are data; a late event never moves a shipment back from delivered."""

from datetime import UTC, datetime, timedelta

from orderhub.models import TrackingEvent, TrackingStatus as S
from orderhub.shipping.tracking import StatusTable, merge

T0 = datetime(2026, 11, 1, tzinfo=UTC)


def ev(status, hours, code="X"):
    return TrackingEvent(status=status, raw_code=code, description=status.value, occurred_at=T0 + timedelta(hours=hours))


def test_table_refines_a_code_by_its_text_and_falls_back_to_the_default():
    table = StatusTable("t", codes={"X": S.EXCEPTION}, refine={"X": (("attempt", S.ATTEMPT_FAIL),)})
    assert table.status("X", "Delivery ATTEMPT failed") is S.ATTEMPT_FAIL
    assert table.status("X", "damaged") is S.EXCEPTION
    assert table.status("ZZ", None) is S.IN_TRANSIT
    e = table.event("X", "damaged", T0, "Berlin")
    assert (e.raw_code, e.description, e.location) == ("X", "damaged", "Berlin")


def test_delivered_is_never_left_for_a_late_or_out_of_order_event():
    first = merge(S.PENDING, [], [ev(S.IN_TRANSIT, 1), ev(S.DELIVERED, 5)])
    assert first.status is S.DELIVERED and first.changed
    late = merge(first.status, first.events, [ev(S.IN_TRANSIT, 7, "Y")])  # a depot uploads a scan late
    assert late.status is S.DELIVERED and not late.changed and len(late.events) == 3
    shuffled = merge(S.PENDING, [], [ev(S.DELIVERED, 5), ev(S.OUT_FOR_DELIVERY, 8, "Z")])
    assert shuffled.status is S.DELIVERED


def test_the_same_events_twice_are_one_set_and_change_nothing():
    a = merge(S.PENDING, [], [ev(S.IN_TRANSIT, 1)])
    b = merge(a.status, a.events, [ev(S.IN_TRANSIT, 1)])
    assert not b.changed and b.new_events == [] and len(b.events) == 1
