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


def test_a_late_scan_of_a_lower_rank_never_moves_the_status_back():
    a = merge(S.PENDING, [], [ev(S.INFO_RECEIVED, 0), ev(S.OUT_FOR_DELIVERY, 20)])
    assert a.status is S.OUT_FOR_DELIVERY
    # the hub scan of hour 10 is uploaded after the van left: newer to us, earlier on the route
    late = merge(a.status, a.events, [ev(S.IN_TRANSIT, 21, "HUB")])
    assert late.status is S.OUT_FOR_DELIVERY and not late.changed and len(late.new_events) == 1
    # scans delivered in any order give the same answer
    scans = [ev(S.IN_TRANSIT, 3), ev(S.OUT_FOR_DELIVERY, 9), ev(S.INFO_RECEIVED, 1), ev(S.IN_TRANSIT, 12, "Y")]
    assert merge(S.PENDING, [], scans).status is merge(S.PENDING, [], scans[::-1]).status is S.OUT_FOR_DELIVERY


def test_scans_of_one_rank_replace_each_other_by_time():
    tries = merge(S.PENDING, [], [ev(S.OUT_FOR_DELIVERY, 1), ev(S.ATTEMPT_FAIL, 5)])
    assert tries.status is S.ATTEMPT_FAIL
    again = merge(tries.status, tries.events, [ev(S.OUT_FOR_DELIVERY, 24, "OFD2")])
    assert again.status is S.OUT_FOR_DELIVERY and again.changed


def test_an_exception_is_a_flag_beside_the_status_and_a_later_scan_clears_it():
    hit = merge(S.PENDING, [], [ev(S.IN_TRANSIT, 1), ev(S.EXCEPTION, 5)])
    assert hit.status is S.IN_TRANSIT and hit.exception is not None and hit.headline is S.EXCEPTION
    # the problem reported late (timestamped before the last scan) is already over
    stale = merge(S.PENDING, [], [ev(S.IN_TRANSIT, 1), ev(S.EXCEPTION, 2), ev(S.IN_TRANSIT, 6, "Y")])
    assert stale.exception is None and stale.headline is S.IN_TRANSIT
    cleared = merge(hit.status, hit.events, [ev(S.OUT_FOR_DELIVERY, 30)])
    assert cleared.status is S.OUT_FOR_DELIVERY and cleared.exception is None
    # once delivered, a problem scan does not raise the flag
    done = merge(S.DELIVERED, [ev(S.DELIVERED, 40)], [ev(S.EXCEPTION, 41)])
    assert done.status is S.DELIVERED and done.exception is None


def test_a_row_stored_as_exception_before_flags_is_worked_out_from_its_events():
    legacy = merge(S.EXCEPTION, [ev(S.IN_TRANSIT, 1), ev(S.EXCEPTION, 5)], [])
    assert legacy.status is S.IN_TRANSIT and legacy.exception is not None
    alone = merge(S.EXCEPTION, [ev(S.EXCEPTION, 5)], [])
    assert alone.status is S.EXCEPTION and not alone.changed
