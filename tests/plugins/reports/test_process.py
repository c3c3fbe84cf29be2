"""The process report on a hand-built event log (issue #17): times between states, step
percentiles, first-pass yield, the Pareto of hold reasons and quarantine errors, the SLA and the
backlog, each checked against figures worked out by hand, on SQLite and PostgreSQL."""

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from orderhub.db.schema import order_events, orders, quarantine, reviews, step_runs
from orderhub_plugins.reports import facts
from orderhub_plugins.reports.model import Params
from orderhub_plugins.reports.process import process
from orderhub_plugins.reports.settings import Settings

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


def _order(oid: str, status: str, created: datetime, store: str = "shop") -> dict:
    return {"id": oid, "store": store, "channel": "files", "external_id": oid.upper(), "status": status,
            "version": 1, "payload_hash": "h", "data": {"currency": "EUR", "totals": {"total": "1.00"},
                                                         "line_items": []},
            "created_at": created, "updated_at": created, "ingested_at": created, "modified_at": created}


def _moves(oid: str, *steps: tuple[str, float]) -> list[dict]:
    """Events reaching each state at T0 + minutes."""
    return [{"order_id": oid, "at": T0 + timedelta(minutes=m), "kind": "received" if s == "received" else "transition",
             "to_status": s, "actor": "test"} for s, m in steps]


async def _build(conn) -> None:
    now = datetime.now(UTC)
    await conn.execute(orders.insert(), [
        _order("o1", "delivered", T0), _order("o2", "ready_to_ship", T0), _order("o3", "cancelled", T0),
        _order("o4", "received", T0), _order("o5", "on_hold", now - timedelta(hours=2)),
    ])
    await conn.execute(order_events.insert(), [
        # o1: received 0 → validated 1 → reserved 2 → ready 4 → shipped 64 → delivered 64 + 2 days
        *_moves("o1", ("received", 0), ("validated", 1), ("reserved", 2), ("ready_to_ship", 4), ("shipped", 64),
                ("delivered", 64 + 2 * 24 * 60)),
        # o2: received 0 → validated 3 → held 3 → validated 30 (approved) → reserved 31 → ready 33
        *_moves("o2", ("received", 0), ("validated", 3), ("on_hold", 3), ("validated", 30), ("reserved", 31),
                ("ready_to_ship", 33)),
        *_moves("o3", ("received", 0), ("cancelled", 5)),
        *_moves("o4", ("received", 0)),
    ])
    at = T0 + timedelta(seconds=30)
    runs = [("o1", "validate", 2.0, "continue"), ("o2", "validate", 4.0, "hold"), ("o2", "validate", 3.0, "continue"),
            ("o1", "reserve", 1.0, "continue"), ("o2", "reserve", 9.0, "retry"), ("o2", "reserve", 1.5, "continue")]
    await conn.execute(step_runs.insert(), [{"order_id": o, "store": "shop", "step": s, "started_at": at,
                                             "duration_ms": d, "outcome": out} for o, s, d, out in runs])
    await conn.execute(reviews.insert(), [
        {"order_id": "o2", "store": "shop", "step": "validate", "step_index": 0, "resume_status": "received",
         "reasons": [], "reason_codes": " payment_not_accepted country_not_allowed ", "created_at": at},
        {"order_id": "o5", "store": "shop", "step": "validate", "step_index": 0, "resume_status": "received",
         "reasons": [], "reason_codes": " payment_not_accepted ", "created_at": at},
    ])
    await conn.execute(quarantine.insert(), [
        {"store": "shop", "external_id": "O3", "payload_hash": "q1", "raw": {}, "error_code": "invalid_field",
         "error": "x", "created_at": at, "updated_at": at},
        {"store": "shop", "external_id": "Z9", "payload_hash": "q2", "raw": {}, "error_code": "invalid_field",
         "error": "x", "created_at": at, "updated_at": at},
        {"store": "shop", "external_id": "Z8", "payload_hash": "q3", "raw": {}, "error_code": "unparseable",
         "error": "x", "created_at": at, "updated_at": at},
    ])


async def test_process_figures_match_a_hand_built_event_log(engine):
    async with engine.begin() as conn:
        await _build(conn)
        await facts.refresh(conn)
    params = Params(date(2026, 11, 2), date(2026, 11, 2), "day", "UTC")
    async with engine.connect() as conn:
        report = await process(conn, params, Settings(ship_within="2h"))
    stages = {(r["from"], r["to"]): r for r in report.table("stages").rows}
    # received → validated: o1 60 s, o2 180 s (first reached); nearest rank of two: median 60, p90 180
    assert (stages[("received", "validated")]["median_s"], stages[("received", "validated")]["p90_s"],
            stages[("received", "validated")]["orders"]) == (60, 180, 2)
    # validated → reserved: o1 60 s; o2 first validated at 3 min, reserved at 31: 1,680 s
    assert (stages[("validated", "reserved")]["median_s"], stages[("validated", "reserved")]["p90_s"]) == (60, 1680)
    assert stages[("ready_to_ship", "shipped")]["median_s"] == 3600
    # two days, 172,800 s: times are counted rounded to three significant digits (stats.bucket_sql)
    assert stages[("shipped", "delivered")]["median_s"] == 173_000
    assert stages[("shipped", "delivered")]["median"] == "2d 00h"
    assert stages[("received", "delivered")]["orders"] == 1
    steps = {r["step"]: r for r in report.table("steps").rows}
    assert (steps["validate"]["runs"], steps["validate"]["p50_ms"], steps["validate"]["p95_ms"]) == (3, 3.0, 4.0)
    assert (steps["validate"]["continue"], steps["validate"]["hold"]) == (2, 1)
    assert (steps["reserve"]["p50_ms"], steps["reserve"]["p99_ms"], steps["reserve"]["retry"]) == (1.5, 9.0, 1)
    # left received: o1, o2, o3 (o4 has not; o5 was created on another day). o2 held and re-ran,
    # o3 was quarantined once: o1 alone passed first time.
    assert report.table("first_pass").rows == [{"orders": 4, "processed": 3, "held": 1, "quarantined": 1, "rerun": 1,
                                                "first_pass": 1, "yield": "0.3333"}]
    holds = report.table("hold_reasons").rows
    assert [(r["reason"], r["count"], r["cumulative"]) for r in holds] == [
        ("payment_not_accepted", 2, "0.6667"), ("country_not_allowed", 1, "1.0000")]
    assert [(r["error"], r["count"]) for r in report.table("quarantine_errors").rows] == [
        ("invalid_field", 2), ("unparseable", 1)]
    # SLA 2 h: o1 shipped after 64 min (in time); o2 never shipped and is long overdue; o4 too; o3 cancelled
    assert report.table("sla").rows == [{"store": "shop", "ship_within_s": 7200.0, "due": 3, "breached": 2,
                                         "breach_rate": "0.6667"}]
    throughput = report.table("throughput").rows
    assert throughput == [{"period": "2026-11-02", "created": 4, "ready_to_ship": 2, "shipped": 1,
                           "ready_per_hour": "0.08"}]
    backlog = {r["status"]: r for r in report.table("backlog").rows}
    assert backlog["on_hold"]["1-4h"] == 1 and backlog["received"][">3d"] == 1
    assert backlog["ready_to_ship"]["total"] == 1 and "delivered" not in backlog


async def test_queries_count_only_the_store_asked_for(engine):
    async with engine.begin() as conn:
        await _build(conn)
        await conn.execute(orders.insert(), [_order("x1", "received", T0, store="other")])
        await facts.refresh(conn)
    async with engine.connect() as conn:
        report = await process(conn, Params(date(2026, 11, 2), date(2026, 11, 2), "day", "UTC", store="other"),
                               Settings())
    assert report.table("first_pass").rows[0]["orders"] == 1
    assert report.table("steps").rows == [] and report.table("sla").rows == []
    assert (await _count(engine)) == 6


async def _count(engine) -> int:
    async with engine.connect() as conn:
        return (await conn.execute(sa.select(sa.func.count()).select_from(orders))).scalar_one()
