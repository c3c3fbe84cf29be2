"""What an operator can do, shared by the CLI and the admin API: review decisions, quarantine work."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from orderhub.intake.connector import RawRecord
from orderhub.db import orders as order_store
from orderhub.db import quarantine as q
from orderhub.db import inventory, review
from orderhub.db.pushes import list_pushes, requeue
from orderhub.errors import RecordError
from orderhub.intake.ingest import normalize

if TYPE_CHECKING:
    from orderhub.hub import Hub


async def _resolve_order(conn: Any, ref: str) -> str:
    row = await order_store.find_order(conn, ref)
    if row is None:
        raise RecordError(f"no order matches {ref!r}", code="not_found")
    return row["id"]


async def order_view(hub: Hub, ref: str) -> dict[str, Any] | None:
    """One order as ``orders show`` and ``GET /api/v1/orders/{ref}`` give it: its data, versions,
    event log, pushes, reservations, the plugins' timeline entries and their sections (``risk``…)
    beside them. None when nothing matches ``ref``."""
    async with hub.engine.connect() as conn:
        row = await order_store.find_order(conn, ref)
        if row is None:
            return None
        oid = row["id"]
        details = await hub.plugin_details(conn, oid)
        return {"order": row["data"] | {"status": row["status"]}, "version": row["version"],
                "versions": await order_store.order_versions_of(conn, oid),
                "events": await order_store.order_events_of(conn, oid),
                "pushes": await list_pushes(conn, order_id=oid),
                "reservations": await inventory.reservations_of(conn, oid),
                "timeline": await hub.plugin_timeline(conn, oid),
                **{k: v for k, v in details.items() if k not in VIEW_KEYS}}


#: The view's own keys: a plugin section of the same name is left out rather than replace one.
VIEW_KEYS = frozenset({"order", "version", "versions", "events", "pushes", "reservations", "timeline"})


async def approve(hub: Hub, ref: str, *, operator: str, reason: str | None) -> dict[str, Any]:
    notices: list[Any] = []
    async with hub.engine.begin() as conn:
        oid = await _resolve_order(conn, ref)
        approved = await review.approve(conn, oid, operator=operator, reason=reason, notices=notices)
    await hub.notify(notices)
    return {"order_id": oid, "status": approved["resume_status"], "resolution": "approved",
            "step": approved["step"], "review": approved["id"],
            "next": f"the chain resumes at {approved['step']} on the store's next sync"}


async def reject(hub: Hub, ref: str, *, operator: str, reason: str | None) -> dict[str, Any]:
    notices: list[Any] = []
    async with hub.engine.begin() as conn:
        oid = await _resolve_order(conn, ref)
        await review.reject(conn, oid, operator=operator, reason=reason, notices=notices)
    await hub.notify(notices)
    return {"order_id": oid, "status": "cancelled", "resolution": "rejected"}


async def held_orders(hub: Hub, *, code: str, where: order_store.OrderFilter | None = None) -> list[str]:
    """Every order held for reason ``code`` (and matching ``where``), oldest hold first: the
    selection of a bulk decision."""
    async with hub.engine.connect() as conn:
        total = await review.count_reviews(conn, reason=code, where=where)
        rows = await review.list_reviews(conn, reason=code, where=where, limit=max(total, 1))
    return [r["order_id"] for r in rows]


async def decide_all(hub: Hub, decision: str, refs: list[str], *, operator: str, reason: str | None) -> dict[str, Any]:
    """Approve or reject each order in its own transaction; one that is no longer held (another
    operator decided it meanwhile) or not found is reported beside the others, never fatal."""
    decide = {"approve": approve, "reject": reject}[decision]
    decided, skipped = [], []
    for ref in refs:
        try:
            decided.append(await decide(hub, ref, operator=operator, reason=reason))
        except RecordError as exc:
            skipped.append({"ref": ref, "code": exc.code, "error": exc.message})
    return {"decision": decision, "decided": decided, "skipped": skipped}


async def replay_matching(hub: Hub, *, store: str | None = None, since: Any = None, error_code: str | None = None,
                          operator: str = "cli", limit: int = 100_000) -> list[dict[str, Any]]:
    """Replay every open quarantined record that matches (the bulk path after a fix or a flood):
    each in its own transaction, a failure reported beside the others."""
    async with hub.engine.connect() as conn:
        ids = [r["id"] for r in await q.list_quarantine(conn, store=store, since=since, error_code=error_code,
                                                          limit=limit)]
    out = []
    for qid in ids:
        try:
            out.append(await replay_quarantined(hub, qid, operator=operator))
        except RecordError as exc:  # replayed or dropped meanwhile by someone else
            out.append({"id": qid, "result": "skipped", "order_id": None, "error": exc.message})
    return out


async def retry_dead_pushes(hub: Hub, *, store: str | None = None, target: str | None = None, kind: str | None = None,
                            since: Any = None) -> list[int]:
    """Make every dead push that matches due again (original idempotency key kept); their ids."""
    async with hub.engine.begin() as conn:
        rows = await list_pushes(conn, status="dead", store=store, target=target, kind=kind, since=since,
                                 limit=1_000_000)
        return [r["id"] for r in rows if await requeue(conn, r["id"])]


async def replay_quarantined(hub: Hub, qid: int, *, operator: str = "cli") -> dict[str, Any]:
    """Map a quarantined payload again with today's code; store it when it now passes."""
    notices: list[Any] = []
    async with hub.engine.begin() as conn:
        row = await q.get_quarantined(conn, qid)
        if row is None:
            raise RecordError(f"no quarantined record {qid}", code="not_found")
        if row["status"] != "open":
            raise RecordError(f"quarantined record {qid} is already {row['status']}", code="not_open")
        connector = hub.connector(row["store"])
        try:
            ingested = normalize(connector, RawRecord(row["raw"], external_id=row["external_id"],
                                                      location=row["location"]))
        except RecordError as exc:
            await q.record_failed_replay(conn, qid, exc)
            return {"id": qid, "result": "still_invalid", "error": exc.message}
        up = await order_store.upsert_orders(conn, [ingested], actor=f"operator:{operator}")
        await q.resolve(conn, qid, "replayed", by=operator)
        notices += up.notices
    await hub.notify(notices)
    return {"id": qid, "result": "stored", "order_id": ingested.order.id}


async def drop_quarantined(hub: Hub, qid: int, *, operator: str, reason: str | None) -> dict[str, Any]:
    async with hub.engine.begin() as conn:
        row = await q.get_quarantined(conn, qid)
        if row is None:
            raise RecordError(f"no quarantined record {qid}", code="not_found")
        await q.resolve(conn, qid, "dropped", by=f"{operator}: {reason}" if reason else operator)
    return {"id": qid, "result": "dropped"}


async def import_catalog(hub: Hub, rows: list[dict[str, Any]]) -> dict[str, int]:
    async with hub.engine.begin() as conn:
        inserted, updated = await inventory.upsert_catalog(conn, rows)
    return {"inserted": inserted, "updated": updated}


async def check_stock_targets(hub: Hub, conn: Any, targets: list[tuple[str, str]], *, skus_known: bool = True) -> None:
    """Refuse a stock change for a SKU orderhub has never heard of, or a location no store reserves
    from and no stock row uses: a typo would otherwise create stock nobody can sell. (A stock count
    may name a SKU first seen on the shelf: ``skus_known=False`` checks its locations only.)"""
    skus = {sku for sku, _ in targets}
    unknown = sorted(skus - await inventory.stocked_skus(conn, skus)) if skus_known else []
    if unknown:
        raise RecordError(f"unknown SKU {', '.join(map(repr, unknown[:5]))}: not in the catalog, the stock table or "
                          "any order (add it with `orderhub catalog import`)", code="unknown_sku")
    locations = {loc for s in hub.config.stores.values() for loc in s.locations} | await inventory.stock_locations(conn)
    bad = sorted({loc for _, loc in targets} - locations)
    if bad:
        raise RecordError(f"unknown location {', '.join(map(repr, bad[:5]))} (known: {', '.join(sorted(locations))}; "
                          "a store reserves from the locations in its `locations` list)", code="unknown_location")


async def set_stock(hub: Hub, sku: str, quantity: int, location: str, *, operator: str,
                    reason: str | None) -> dict[str, Any]:
    notices: list[Any] = []
    async with hub.engine.begin() as conn:
        await check_stock_targets(hub, conn, [(sku, location)])
        variance = await inventory.set_on_hand(conn, sku, location, quantity, actor=f"operator:{operator}",
                                               reason=reason, notices=notices)
        level = await inventory.level(conn, sku, location)
    await hub.notify(notices)
    return {"sku": sku, "location": location, "variance": variance, **_level_view(level)}


async def adjust_stock(hub: Hub, sku: str, delta: int, location: str, *, operator: str, reason: str) -> dict[str, Any]:
    notices: list[Any] = []
    async with hub.engine.begin() as conn:
        await check_stock_targets(hub, conn, [(sku, location)])
        try:
            await inventory.adjust_on_hand(conn, sku, location, delta, actor=f"operator:{operator}", reason=reason,
                                           notices=notices)
        except ValueError as exc:
            raise RecordError(str(exc), code="negative_stock") from None
        level = await inventory.level(conn, sku, location)
    await hub.notify(notices)
    return {"sku": sku, "location": location, "delta": delta, **_level_view(level)}


async def import_count(hub: Hub, rows: list[dict[str, Any]], *, operator: str, source: str) -> list[dict[str, Any]]:
    """A stock count: each variance against the books is applied as one audited movement."""
    notices: list[Any] = []
    variances = []
    async with hub.engine.begin() as conn:
        await check_stock_targets(hub, conn, [(r["sku"], r["location"]) for r in rows], skus_known=False)
        for r in rows:
            before = await inventory.level(conn, r["sku"], r["location"])
            was = before["on_hand"] if before else 0
            variance = await inventory.set_on_hand(conn, r["sku"], r["location"], r["on_hand"], kind="count",
                                                   actor=f"operator:{operator}", reason=f"stock count {source}",
                                                   notices=notices)
            if variance:
                variances.append({"sku": r["sku"], "location": r["location"], "books": was, "counted": r["on_hand"],
                                  "variance": variance})
    await hub.notify(notices)
    return variances


def _level_view(level: dict[str, Any] | None) -> dict[str, Any]:
    if level is None:
        return {"on_hand": 0, "reserved": 0, "available": 0}
    return {"on_hand": level["on_hand"], "reserved": level["reserved"],
            "available": level["on_hand"] - level["reserved"], "low": level["low"]}


# -- stores and carriers -------------------------------------------------------------------


async def set_store_paused(hub: Hub, store: str, paused: bool, *, reason: str | None) -> dict[str, Any]:
    """Stop syncing a store (its orders and pushes stay; nothing is lost) or sync it again."""
    from orderhub.db import stores as stores_db
    from orderhub.logging import get_logger

    hub.store_config(store)  # an unknown store: a config error naming it
    async with hub.engine.begin() as conn:
        await stores_db.set_state(conn, store, paused=paused, paused_reason=reason if paused else None)
    get_logger().warning("store_paused" if paused else "store_resumed", store=store, reason=reason)
    return {"store": store, "paused": paused}


async def carrier_states(hub: Hub) -> list[dict[str, Any]]:
    """Every configured carrier account: enabled, paused (and why), its circuit breaker here."""
    from orderhub.db import shipments as ship_db

    async with hub.engine.connect() as conn:
        paused = await ship_db.paused_carriers(conn)
    rows = []
    for name, cc in hub.config.carriers.items():
        try:
            circuit = "open" if hub.carrier(name).circuit_open() else "closed"
        except Exception as exc:  # noqa: BLE001 - a carrier that cannot be built: say why, list the rest
            circuit = f"unusable: {exc}"
        rows.append({"carrier": name, "connector": cc.connector, "enabled": cc.enabled, "paused": name in paused,
                     "paused_reason": paused.get(name), "circuit": circuit})
    return rows


async def set_carrier_paused(hub: Hub, carrier: str, paused: bool, *, reason: str | None,
                             operator: str) -> dict[str, Any]:
    """Pause a carrier account (no more labels with it: select_carrier skips it, fulfil falls
    back to each order's runner-up) or resume it."""
    from orderhub.db import shipments as ship_db
    from orderhub.errors import ConfigError
    from orderhub.logging import get_logger

    if carrier not in hub.config.carriers:
        raise ConfigError(f"no carrier {carrier!r} in the config; the carriers are "
                          f"{', '.join(sorted(hub.config.carriers)) or 'none'}")
    async with hub.engine.begin() as conn:
        await ship_db.set_carrier_paused(conn, carrier, paused, reason=reason, by=f"operator:{operator}")
    get_logger().warning("carrier_paused" if paused else "carrier_resumed", carrier=carrier, reason=reason,
                         operator=operator)
    return {"carrier": carrier, "paused": paused}
