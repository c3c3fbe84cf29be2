"""The carriers report on hand-built shipments (issue #17): on-time rate against the promised
date, transit days, exceptions and returns, and shipping charged against label cost."""

from datetime import UTC, date, datetime, timedelta

from orderhub.db.schema import orders, shipments
from orderhub_plugins.reports import facts
from orderhub_plugins.reports.carriers import carriers
from orderhub_plugins.reports.model import Params

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def _order(oid: str, status: str, shipping: str, currency: str = "EUR") -> dict:
    data = {"currency": currency, "line_items": [], "totals": {"total": "20.00", "shipping": shipping}}
    return {"id": oid, "store": "shop", "channel": "files", "external_id": oid, "status": status, "version": 1,
            "payload_hash": "h", "data": data, "created_at": T0, "updated_at": T0, "ingested_at": T0,
            "modified_at": T0}


def _shipment(oid: str, service: str, price: str, shipped_h: float | None, delivered_h: float | None,
              promised_h: float | None, status: str = "delivered", currency: str = "EUR") -> dict:
    at = lambda h: T0 + timedelta(hours=h) if h is not None else None  # noqa: E731
    return {"id": f"shp_{oid}", "order_id": oid, "store": "shop", "carrier": "ups", "service": service,
            "state": "created", "status": status, "plan": {}, "events": [], "route": "DE-DE",
            "choice": {"chosen": {"rate": {"price": price, "currency": currency}}},
            "created_at": T0, "updated_at": T0, "shipped_at": at(shipped_h), "delivered_at": at(delivered_h),
            "promised_at": at(promised_h)}


async def test_on_time_transit_exceptions_returns_and_money(engine):
    async with engine.begin() as conn:
        await conn.execute(orders.insert(), [_order("a", "delivered", "5.90"), _order("b", "delivered", "5.90"),
                                             _order("c", "returned", "4.00"), _order("d", "shipped", "0.00"),
                                             _order("e", "delivered", "7.00", "USD")])
        await conn.execute(shipments.insert(), [
            _shipment("a", "ground", "4.10", 1, 49, 72),  # 2 days, on time
            _shipment("b", "ground", "4.10", 1, 97, 72),  # 4 days, late
            _shipment("c", "ground", "3.00", 1, 25, 72),  # 1 day, on time, then returned
            _shipment("d", "ground", "3.50", 1, None, 72, status="exception"),
            _shipment("e", "express", "6.00", 1, 25, None, currency="EUR"),  # USD order, EUR rate
        ])
        await facts.refresh(conn)
    async with engine.connect() as conn:
        report = await carriers(conn, Params(date(2026, 11, 2), date(2026, 11, 2)))
    ground = next(r for r in report.table("rows").rows if r["service"] == "ground")
    assert (ground["shipments"], ground["delivered"], ground["on_time"], ground["on_time_rate"]) == (4, 3, 2, "0.6667")
    assert (ground["median_transit_days"], ground["p90_transit_days"]) == (2.0, 4.0)
    assert (ground["exceptions"], ground["exception_rate"], ground["returns"]) == (1, "0.2500", 1)
    money = {(r["service"], r["currency"]): r for r in report.table("shipping_money").rows}
    assert money[("ground", "EUR")] | {} == {"carrier": "ups", "service": "ground", "currency": "EUR", "shipments": 4,
                                            "charged": "15.80", "label_cost": "14.70", "margin": "1.10",
                                            "cost_other_currency": 0}
    assert (money[("express", "USD")]["label_cost"], money[("express", "USD")]["cost_other_currency"]) == ("0.00", 1)
