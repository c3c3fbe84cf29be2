"""What happens to a shipment after the carrier was chosen: the label, tracking, delays.

Every change is recorded in one transaction with what it causes — the order's lifecycle move,
the channel push (tracking number; later each status), the milestone hook whose plugins queue
customer notifications on their outbox — so a crash at any point loses nothing and a milestone
is announced once. Tracking is polled per store and carrier, in the carrier's batch size, through
the carrier's own rate-limited adapter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from orderhub.shipping.carrier_types import Label, TrackingResult
from orderhub.db import orders as order_store
from orderhub.db import shipments as ship_db
from orderhub.db.common import utcnow
from orderhub.db.pushes import queue_push
from orderhub.errors import CapabilityNotSupported, ConfigError, IllegalTransition, TransientError
from orderhub.lifecycle import OrderStatus, can_move
from orderhub.logging import get_logger
from orderhub.models import Order, Shipment, TrackingEvent, TrackingStatus
from orderhub.notices import TrackingUpdated
from orderhub.outbox.requests import Outbox
from orderhub.shipping.tracking import PROBLEMS, PROGRESS, merge

if TYPE_CHECKING:
    from orderhub.hub import Hub

log = get_logger()
S = TrackingStatus

#: Tracking statuses the channel hears about, and the order state each one moves the order to.
CHANNEL_STATUSES = frozenset({S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.ATTEMPT_FAIL, S.AVAILABLE_FOR_PICKUP,
                              S.DELIVERED, S.EXCEPTION})
ORDER_STATE = {S.DELIVERED: OrderStatus.DELIVERED, S.EXCEPTION: OrderStatus.EXCEPTION,
               S.IN_TRANSIT: OrderStatus.SHIPPED, S.OUT_FOR_DELIVERY: OrderStatus.SHIPPED,
               S.AVAILABLE_FOR_PICKUP: OrderStatus.SHIPPED}


def shipment_model(row: dict[str, Any]) -> Shipment:
    plan = row.get("plan") or {}
    return Shipment(id=row["id"], order_id=row["order_id"], store=row["store"], carrier=row["carrier"],
                    service=row["service"], tracking_number=row.get("tracking_number"),
                    tracking_url=row.get("tracking_url"), label_ref=row.get("label_ref"),
                    parcels=plan.get("parcels") or [], status=TrackingStatus(row["status"]),
                    events=[TrackingEvent.model_validate(e) for e in row.get("events") or []],
                    promised_at=row.get("promised_at"), shipped_at=row.get("shipped_at"),
                    delivered_at=row.get("delivered_at"), exception_at=row.get("exception_at"))


async def announce(conn: Any, hub: Hub, order: Order, shipment: Shipment, milestone: str) -> int:
    """Run the durable milestone hook and queue what its plugins put on the outbox."""
    outbox = Outbox()
    hub.plugins.hook.on_shipment_milestone(order=order, shipment=shipment, milestone=milestone, outbox=outbox)
    queued = 0
    for p in outbox.pushes:
        if await queue_push(conn, key=p.key, store=order.store, kind=p.kind, target=p.target, payload=p.payload,
                            order_id=order.id):
            queued += 1
    if queued:
        await order_store.add_event(conn, order.id, "notifications_queued", "logistics",
                                    data={"milestone": milestone, "count": queued})
    return queued


async def _move(conn: Any, order: Order, to: OrderStatus, actor: str, reason: str, notices: list[Any]) -> None:
    if order.status == to or not can_move(order.status, to):
        return
    try:
        await order_store.transition(conn, order.id, to, actor=actor, reason=reason, notices=notices, order=order)
        order.status = to
    except IllegalTransition:  # another writer moved it first; the table decides, nothing to add
        log.info("transition_skipped", order_id=order.id, to=to.value)


async def record_label(conn: Any, hub: Hub, sid: str, label: Label, notices: list[Any]) -> bool:
    """The label exists: shipment created, order shipped (stock consumed), tracking number queued
    for the channel, ``shipped`` announced. A repeat (a push delivered twice) changes nothing."""
    if not await ship_db.record_label(conn, sid, tracking_number=label.tracking_number,
                                      tracking_url=label.tracking_url, label_ref=label.label_ref):
        return False
    row = await ship_db.get(conn, sid)
    assert row is not None
    order = await order_store.get_order(conn, row["order_id"])
    carrier = hub.carrier(row["carrier"])
    await _move(conn, order, OrderStatus.SHIPPED, f"carrier:{row['carrier']}",
                f"label {label.tracking_number} ({row['carrier']} {row['service']})", notices)
    await queue_push(conn, key=f"{order.id}:fulfilment:{sid}", store=order.store, kind="fulfilment", target="channel",
                     order_id=order.id, payload={"tracking_number": label.tracking_number,
                                                 "carrier": getattr(carrier, "display_name", None) or row["carrier"],
                                                 "tracking_url": label.tracking_url, "shipment_id": sid})
    shipment = shipment_model(row)
    notices.append(TrackingUpdated(shipment=shipment, previous_status="pending"))
    await announce(conn, hub, order, shipment, "shipped")
    log.info("shipment_created", store=order.store, order_id=order.id, carrier=row["carrier"],
             tracking_number=label.tracking_number)
    return True


async def apply_tracking(conn: Any, hub: Hub, row: dict[str, Any], result: TrackingResult, notices: list[Any],
                         *, now: datetime) -> bool:
    """Merge a tracking answer into a shipment. A status further along the route, or a problem
    raised or cleared, moves the order, tells the channel and announces the milestone. Returns
    whether anything of that changed."""
    known = [TrackingEvent.model_validate(e) for e in row.get("events") or []]
    current = TrackingStatus(row["status"])
    merged = merge(current, known, result.events)
    values: dict[str, Any] = {"last_checked_at": now}
    if merged.new_events:
        values["events"] = [e.model_dump(mode="json") for e in merged.events]
        values["last_event_at"] = merged.events[-1].occurred_at
        if any(e.status in PROGRESS for e in merged.new_events):
            values["last_progress_at"] = max(e.occurred_at for e in merged.new_events)
    was_problem = row.get("exception_at")
    problem = merged.exception
    raised = problem is not None and (was_problem is None or problem.occurred_at > was_problem)
    cleared = problem is None and was_problem is not None
    if raised or cleared:
        values["exception_at"] = problem.occurred_at if problem else None
    if not (merged.changed or raised or cleared):
        await ship_db.update(conn, row["id"], **values)
        return False
    status = merged.status
    values["status"] = status.value
    if merged.changed and status is S.DELIVERED:
        delivered_at = next((e.occurred_at for e in reversed(merged.events) if e.status is S.DELIVERED), now)
        values["delivered_at"] = delivered_at
        on_time = row.get("promised_at") is None or delivered_at <= row["promised_at"]
        await ship_db.record_delivery(conn, row["carrier"], row["route"], on_time)
    await ship_db.update(conn, row["id"], **values)
    order = await order_store.get_order(conn, row["order_id"])
    shipment = shipment_model({**row, **values})
    actor = f"carrier:{row['carrier']}"
    said = []  # (status the channel and customer hear, the event it comes from)
    if merged.changed:
        said.append((status, next((e for e in reversed(merged.events) if e.status is status), None)))
    if raised:
        said.append((problem.status, problem))
    elif cleared and status is not S.DELIVERED:
        await _move(conn, order, OrderStatus.SHIPPED, actor,
                    f"tracking {row['tracking_number']}: problem cleared, {status.value}", notices)
    for shown, event in said:
        target_state = ORDER_STATE.get(shown)
        if target_state is not None:
            await _move(conn, order, target_state, actor, f"tracking {row['tracking_number']}: {shown.value}", notices)
        if shown in CHANNEL_STATUSES:
            suffix = f":{event.occurred_at.isoformat()}" if shown in PROBLEMS and event else ""
            await queue_push(conn, key=f"{row['id']}:tracking:{shown.value}{suffix}", store=row["store"],
                             kind="tracking", target="channel", order_id=order.id,
                             payload={"status": shown.value, "tracking_number": row["tracking_number"],
                                      "carrier": row["carrier"], "shipment_id": row["id"],
                                      "happened_at": event.occurred_at.isoformat() if event else now.isoformat(),
                                      "message": event.description if event else None})
    await order_store.add_event(conn, order.id, "tracking", actor,
                                data={"from": current.value, "to": status.value, "number": row["tracking_number"],
                                      "problem": problem.status.value if problem else None,
                                      "problem_cleared": cleared})
    notices.append(TrackingUpdated(shipment=shipment, previous_status=current.value))
    for shown, _event in said:
        await announce(conn, hub, order, shipment, shown.value)
    return True


@dataclass
class TrackingSummary:
    checked: int = 0
    changed: int = 0
    not_found: int = 0
    failed: int = 0
    delayed: int = 0

    def summary(self) -> dict[str, int]:
        return {"checked": self.checked, "changed": self.changed, "not_found": self.not_found,
                "failed": self.failed, "delayed": self.delayed}


async def sync_tracking(hub: Hub, store: str, *, now: datetime | None = None, force: bool = False) -> TrackingSummary:
    """Poll the carriers for the store's open shipments (each at most once per ``track_interval``),
    apply what changed, then raise ``delayed`` alerts."""
    now = now or utcnow()
    cfg = hub.store_config(store).shipping
    out = TrackingSummary()
    before = now + timedelta(seconds=1) if force else now - timedelta(seconds=cfg.track_interval)
    async with hub.engine.connect() as conn:
        rows = await ship_db.open_shipments(conn, store, checked_before=before)
    by_carrier: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_carrier.setdefault(r["carrier"], []).append(r)
    for name, group in by_carrier.items():
        try:
            carrier = hub.carrier(name)
        except ConfigError as exc:
            log.error("carrier_unavailable", store=store, carrier=name, error=str(exc))
            out.failed += len(group)
            continue
        size = max(1, carrier.tracking_batch)
        for i in range(0, len(group), size):
            batch = group[i:i + size]
            try:
                results = await carrier.track([r["tracking_number"] for r in batch])
            except CapabilityNotSupported:
                break  # a carrier without tracking: its shipments stay shipped until an operator says
            except (TransientError, ConfigError) as exc:
                log.warning("tracking_failed", store=store, carrier=name, error=str(exc), shipments=len(batch))
                hub.metrics.tracking.labels(name, "failed").inc(len(batch))
                out.failed += len(group) - i
                break
            found = {r.number: r for r in results}
            notices: list[Any] = []
            async with hub.engine.begin() as conn:
                for row in batch:
                    result = found.get(row["tracking_number"])
                    out.checked += 1
                    if result is None or not result.found:
                        out.not_found += 1
                        await ship_db.update(conn, row["id"], last_checked_at=now)
                        continue
                    if await apply_tracking(conn, hub, row, result, notices, now=now):
                        out.changed += 1
            await hub.notify(notices)
            hub.metrics.tracking.labels(name, "checked").inc(len(batch))
    out.delayed = await check_delays(hub, store, now=now)
    return out


async def check_delays(hub: Hub, store: str, *, now: datetime) -> int:
    """``delayed``: no tracking progress for ``delay_alert_after``, or past the promised date. Once each."""
    cfg = hub.store_config(store).shipping
    raised = 0
    async with hub.engine.begin() as conn:
        for row in await ship_db.overdue(conn, store, no_progress_since=now - timedelta(seconds=cfg.delay_alert_after),
                                         now=now):
            if not await ship_db.mark_delayed(conn, row["id"]):
                continue
            order = await order_store.get_order(conn, row["order_id"])
            await order_store.add_event(conn, order.id, "delayed", "logistics",
                                        data={"number": row["tracking_number"], "promised_at":
                                              row["promised_at"].isoformat() if row.get("promised_at") else None})
            await announce(conn, hub, order, shipment_model(row), "delayed")
            log.warning("shipment_delayed", store=store, order_id=order.id, carrier=row["carrier"],
                        tracking_number=row["tracking_number"])
            raised += 1
    if raised:
        hub.metrics.tracking.labels("*", "delayed").inc(raised)
    return raised
