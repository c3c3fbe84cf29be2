"""``orderhub report feedback`` (issue #18): counts by category per week, by SKU, carrier and store,
and time to first response and to resolution, rendered by the reports plugin like its own."""

import json
from datetime import UTC, date, datetime, timedelta

from orderhub.db.schema import orders, shipments
from orderhub.extend import ReportParams
from orderhub_plugins.feedback.importer import import_rows
from orderhub_plugins.feedback.triage import act
from orderhub_plugins.reports import charts, service
from tests.helpers import make_hub


async def test_the_feedback_report_finds_where_complaints_come_from(tmp_path):
    hub = make_hub(f"sqlite:///{tmp_path}/hub.db", [])
    hub.migrate()
    t = datetime(2026, 11, 2, 9, tzinfo=UTC)  # a Monday
    async with hub.engine.begin() as conn:
        for oid, carrier, sku in (("o1", "dhl", "LAMP"), ("o2", "ups", "MUG")):
            await conn.execute(orders.insert().values(
                id=oid, store="shop", channel="files", external_id=oid.upper(), number=oid, status="shipped",
                version=1, payload_hash="h", data={"currency": "EUR", "line_items": [{"sku": sku, "quantity": 1}], "totals": {}},
                created_at=t, updated_at=t, ingested_at=t, modified_at=t))
            await conn.execute(shipments.insert().values(
                id=f"s_{oid}", order_id=oid, store="shop", carrier=carrier, service="std", state="created",
                status="in_transit", route="r", plan={}, choice={}, events=[], created_at=t, updated_at=t))
    rows = [{"id": "a", "order_ref": "o1", "kind": "complaint", "text": "The lamp arrived broken.",
             "created_at": t.isoformat()},
            {"id": "b", "order_ref": "o1", "kind": "complaint", "text": "Glass shattered, box crushed.",
             "created_at": (t + timedelta(days=1)).isoformat()},
            {"id": "c", "order_ref": "o2", "kind": "complaint", "text": "I never received my parcel.",
             "created_at": (t + timedelta(days=8)).isoformat()},
            {"id": "d", "kind": "review", "rating": 5, "text": "Love it, thank you!",
             "created_at": (t + timedelta(days=8)).isoformat()}]
    result = await import_rows(hub, rows, source="desk")
    await act(hub, result.new[0], "respond", "ana", text="Sorry, a new one is on its way.")
    await act(hub, result.new[0], "resolve", "ana", text="replaced")
    made = await service.make(hub, "feedback", ReportParams(date(2026, 11, 2), date(2026, 11, 15), "week"))
    out = made.as_json()
    weeks = {r["period"]: r for r in out["rows"]}
    assert (weeks["2026-11-02"]["items"], weeks["2026-11-02"]["damaged"]) == (2, 2)
    assert (weeks["2026-11-09"]["not_received"], weeks["2026-11-09"]["praise"]) == (1, 1)
    assert {r["sku"]: r["damaged"] for r in out["by_sku"]}["LAMP"] == 2
    carriers = {r["carrier"]: r for r in out["by_carrier"]}
    assert (carriers["dhl"]["damaged"], carriers["ups"]["not_received"]) == (2, 1)
    assert sum(r["items"] for r in out["by_carrier"]) == 3  # the praise names no order: no carrier
    first = next(r for r in out["response"] if r["responded"])
    assert first["resolved"] == 1 and first["first_response_median_s"] is not None
    charts.save(made, tmp_path / "feedback.png")
    assert (tmp_path / "feedback.png").stat().st_size > 5000
    json.dumps(out, default=str)
    await hub.aclose()
