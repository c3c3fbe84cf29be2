"""The operators report on hand-built decisions (issue #17): counts by operator, queue and kind,
handling times from the hold to the decision, and reversals."""

from datetime import UTC, date, datetime, timedelta

from orderhub.db.schema import orders, quarantine, reviews
from orderhub_plugins.reports.model import Params
from orderhub_plugins.reports.operators import operators

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def _order(oid: str, status: str) -> dict:
    return {"id": oid, "store": "shop", "channel": "files", "external_id": oid.upper(), "status": status,
            "version": 1, "payload_hash": "h", "data": {}, "created_at": T0, "updated_at": T0, "ingested_at": T0,
            "modified_at": T0}


def _review(oid: str, step: str, minutes: float, resolution: str, operator: str, created: datetime = T0) -> dict:
    return {"order_id": oid, "store": "shop", "step": step, "step_index": 0, "resume_status": "received",
            "reasons": [], "reason_codes": " x ", "created_at": created,
            "resolved_at": created + timedelta(minutes=minutes), "resolution": resolution, "operator": operator}


async def test_decisions_handling_times_and_reversals(engine):
    async with engine.begin() as conn:
        await conn.execute(orders.insert(), [_order("a", "ready_to_ship"), _order("b", "cancelled"),
                                             _order("c", "shipped"), _order("d", "on_hold"), _order("e", "cancelled")])
        await conn.execute(reviews.insert(), [
            _review("a", "validate", 10, "approved", "maria"),
            _review("b", "validate", 30, "approved", "maria"),  # later cancelled: a reversal
            _review("c", "validate", 50, "rejected", "maria"),  # shipped all the same: a reversal
            _review("d", "hold_rules", 5, "approved", "li"),
            _review("d", "hold_rules", 0, None, None, created=T0 + timedelta(hours=1)) | {"resolved_at": None},
            _review("e", "validate", 90, "rejected", "li"),
        ])
        await conn.execute(quarantine.insert(), [
            {"store": "shop", "external_id": "Q1", "payload_hash": "1", "raw": {}, "error_code": "x", "error": "x",
             "status": "replayed", "created_at": T0, "updated_at": T0 + timedelta(minutes=20), "resolved_by": "li"},
            {"store": "shop", "external_id": "Q1", "payload_hash": "2", "raw": {}, "error_code": "x", "error": "x",
             "status": "open", "created_at": T0 + timedelta(hours=2), "updated_at": T0 + timedelta(hours=2),
             "resolved_by": None},  # quarantined again
            {"store": "shop", "external_id": "Q2", "payload_hash": "3", "raw": {}, "error_code": "x", "error": "x",
             "status": "dropped", "created_at": T0, "updated_at": T0 + timedelta(minutes=2),
             "resolved_by": "maria: a test order"},
        ])
    async with engine.connect() as conn:
        report = await operators(conn, Params(date(2026, 11, 2), date(2026, 11, 2)))
    rows = {(r["operator"], r["queue"], r["kind"]): r for r in report.table("decisions").rows}
    approve = rows[("maria", "validate", "approve")]
    assert (approve["decisions"], approve["median_s"], approve["p90_s"], approve["reversals"]) == (2, 600, 1800, 1)
    assert rows[("maria", "validate", "reject")]["reversals"] == 1
    assert rows[("li", "hold_rules", "approve")]["reversals"] == 1  # held again an hour later
    assert rows[("li", "validate", "reject")]["reversals"] == 0
    assert (rows[("li", "quarantine", "replay")]["reversals"], rows[("li", "quarantine", "replay")]["median"]) == \
        (1, "20m 00s")
    assert rows[("maria", "quarantine", "drop")]["decisions"] == 1  # the drop's reason is not part of the name
    assert report.table("totals").rows == [
        {"operator": "li", "decisions": 3, "reversals": 2, "reversal_rate": "0.6667"},
        {"operator": "maria", "decisions": 4, "reversals": 2, "reversal_rate": "0.5000"}]
