"""The detectors: each reads the hub's tables (and this plugin's samples) and says which
conditions hold now, with when they began, what they touch and what was already done about them.

A condition is keyed by ``kind`` and ``subject`` (a store, a carrier, a SKU): the register opens
an incident for a new one, updates an open one, and resolves one whose condition is gone.
Every count is over the hub's own records, so the answer is the same whichever worker asks.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from orderhub.extend import as_utc, core_tables

from .settings import Settings
from .tables import samples

T = core_tables
WAITING = ("received", "validated", "reserved", "ready_to_ship", "on_hold")


@dataclass
class Condition:
    kind: str
    subject: str
    title: str
    since: datetime
    details: dict[str, Any] = field(default_factory=dict)
    impact: dict[str, Any] = field(default_factory=dict)
    #: What the hub's playbooks already did (fallbacks, an automatic pause), as the evidence shows;
    #: each with a ``key`` naming it, so a later pass updates it rather than adds it again (its
    #: place in the list unless it names its own: the figures in its words change between passes).
    actions: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        for i, a in enumerate(self.actions):
            a.setdefault("key", f"{self.kind}:{i}")


def _span(seconds: float) -> str:
    return f"{int(seconds // 60)} min" if seconds >= 120 else f"{int(seconds)} s"


async def _waiting_orders(conn: Any, store: str) -> int:
    o = T.orders
    return int((await conn.execute(sa.select(sa.func.count()).select_from(o).where(
        o.c.store == store, o.c.status.in_(WAITING)))).scalar_one())


async def _pending_pushes(conn: Any, store: str) -> int:
    p = T.pushes
    return int((await conn.execute(sa.select(sa.func.count()).select_from(p).where(
        p.c.store == store, p.c.status == "pending"))).scalar_one())


async def stores_paused(conn: Any, hub: Any, s: Settings, now: datetime) -> list[Condition]:
    st = T.store_state
    out = []
    for r in await conn.execute(sa.select(st.c.store, st.c.paused_reason, st.c.updated_at).where(st.c.paused.is_(True))):
        reason = (r.paused_reason or "").lower()
        automatic = any(w in reason for w in ("credentials rejected", "http 401", "http 403", "unauthorized"))
        out.append(Condition(
            "store_paused", r.store, f"store {r.store} is paused: {r.paused_reason or 'no reason given'}",
            as_utc(r.updated_at) or now, details={"reason": r.paused_reason},
            impact={"stores": 1, "orders": await _waiting_orders(conn, r.store),
                    "pushes_waiting": await _pending_pushes(conn, r.store)},
            actions=[{"at": as_utc(r.updated_at), "what": "store paused" + (" automatically" if automatic else ""),
                      "by": "hub" if automatic else "operator"}]))
    return out


async def carriers(conn: Any, hub: Any, s: Settings, now: datetime) -> list[Condition]:
    """A carrier paused by an operator; a carrier failing: its circuit open here, or shipments
    given away from it (fulfil's fallback) in the window."""
    out = []
    cs = T.carrier_state
    for r in await conn.execute(sa.select(cs.c.carrier, cs.c.paused_reason, cs.c.paused_by, cs.c.updated_at)
                                .where(cs.c.paused.is_(True))):
        out.append(Condition("carrier_paused", r.carrier, f"carrier {r.carrier} is paused: {r.paused_reason}",
                             as_utc(r.updated_at) or now, details={"reason": r.paused_reason},
                             impact={"shipments_waiting": await _planned(conn, r.carrier)},
                             actions=[{"at": as_utc(r.updated_at), "what": "carrier paused", "by": r.paused_by}]))
    ev = T.order_events
    o = T.orders
    start = now - timedelta(seconds=s.window)
    moves: dict[str, list[Any]] = {}
    rows = await conn.execute(sa.select(ev.c.at, ev.c.data, o.c.store).join(o, o.c.id == ev.c.order_id).where(
        ev.c.kind == "carrier_fallback", ev.c.at >= now - timedelta(days=1)))
    for at, data, store in rows:
        if isinstance(data, dict) and data.get("from"):
            moves.setdefault(data["from"], []).append((as_utc(at), data, store))
    for name in sorted(set(hub.config.carriers) | set(moves)):
        day = moves.get(name, [])
        got = [m for m in day if m[0] >= start]
        try:
            open_here = name in hub.config.carriers and hub.carrier(name).circuit_open()
        except Exception:  # noqa: BLE001 - a carrier that cannot be built is not failing calls
            open_here = False
        if len(got) < s.carrier_fallbacks and not open_here:
            continue
        to: dict[str, int] = {}
        for _, data, _ in day:  # the actions: every fallback of the day, not only the window's
            to[data["to"]] = to.get(data["to"], 0) + 1
        since = min((at for at, _, _ in got), default=now)
        out.append(Condition(
            "carrier_failing", name, f"carrier {name} is failing: "
            + (f"{len(got)} shipments given to other carriers in {_span(s.window)}" if got else "circuit open"),
            since, details={"circuit_open_here": open_here, "last_reason": got[-1][1].get("reason") if got else None},
            impact={"shipments_moved": len(got), "orders": len(got), "stores": len({st for _, _, st in got}),
                    "shipments_waiting": await _planned(conn, name)},
            actions=[{"at": None, "what": f"fulfil fell back to {k} for {n} shipment(s) today", "by": "hub",
                      "key": f"fallback:{k}"} for k, n in sorted(to.items())]))
    return out


async def _planned(conn: Any, carrier: str) -> int:
    sh = T.shipments
    return int((await conn.execute(sa.select(sa.func.count()).select_from(sh).where(
        sh.c.carrier == carrier, sh.c.state == "planned"))).scalar_one())


async def quarantine_rates(conn: Any, hub: Any, s: Settings, now: datetime) -> list[Condition]:
    start = now - timedelta(seconds=s.window)
    q, v, o = T.quarantine, T.order_versions, T.orders
    bad = {r.store: (r.n, as_utc(r.first), r.code) for r in await conn.execute(
        sa.select(q.c.store, sa.func.count().label("n"), sa.func.min(q.c.created_at).label("first"),
                  sa.func.max(q.c.error_code).label("code"))
        .where(q.c.created_at >= start).group_by(q.c.store))}
    if not bad:
        return []
    good = dict((await conn.execute(sa.select(o.c.store, sa.func.count()).join(o, o.c.id == v.c.order_id)
                                    .where(v.c.received_at >= start, o.c.store.in_(list(bad)))
                                    .group_by(o.c.store))).all())
    out = []
    for store, (n, first, code) in bad.items():
        total = n + good.get(store, 0)
        if n >= s.min_events and n / total >= s.quarantine_share:
            out.append(Condition("quarantine_rate", store, f"store {store}: {n} of {total} payloads quarantined in "
                                 f"{_span(s.window)}", first or now,
                                 details={"quarantined": n, "received": total, "share": round(n / total, 3),
                                          "an_error_code": code},
                                 impact={"stores": 1, "payloads": n},
                                 actions=[{"at": None, "what": f"{n} payloads held in quarantine (replay with "
                                           f"'orderhub quarantine replay --store {store} --error-code {code}')",
                                           "by": "hub"}]))
    return out


async def _sample_sums(conn: Any, kinds: tuple[str, ...], since: datetime) -> dict[tuple[str, str], tuple[int, datetime]]:
    rows = await conn.execute(sa.select(samples.c.store, samples.c.kind, sa.func.sum(samples.c.value),
                                        sa.func.min(samples.c.at))
                              .where(samples.c.kind.in_(kinds), samples.c.at >= since)
                              .group_by(samples.c.store, samples.c.kind))
    return {(r[0], r[1]): (int(r[2] or 0), as_utc(r[3])) for r in rows}


async def rate_limits(conn: Any, hub: Any, s: Settings, now: datetime) -> list[Condition]:
    sums = await _sample_sums(conn, ("http_requests", "http_429"), now - timedelta(seconds=s.window))
    out = []
    for (store, kind), (n, first) in sums.items():
        if kind != "http_429":
            continue
        requests = sums.get((store, "http_requests"), (0, now))[0]
        if requests >= s.min_events and n / requests >= s.rate_limited_share:
            out.append(Condition("rate_limited", store, f"store {store}: {n} of {requests} requests answered 429",
                                 first, details={"throttled": n, "requests": requests, "share": round(n / requests, 3)},
                                 impact={"stores": 1, "orders": await _waiting_orders(conn, store)},
                                 actions=[{"at": None, "what": "requests paced from the platform's limits and "
                                           "retried after its Retry-After", "by": "hub"}]))
    return out


async def webhooks_refused(conn: Any, hub: Any, s: Settings, now: datetime) -> list[Condition]:
    sums = await _sample_sums(conn, ("webhook_refused",), now - timedelta(seconds=s.window))
    return [Condition("webhooks_refused", store, f"store {store}: {n} webhook deliveries refused (bad signature) in "
                      f"{_span(s.window)}", first, details={"refused": n}, impact={"stores": 1, "deliveries": n},
                      actions=[{"at": None, "what": "refused deliveries stored nothing; polling goes on", "by": "hub"}])
            for (store, _), (n, first) in sums.items() if n >= s.webhooks_refused]


async def push_failures(conn: Any, hub: Any, s: Settings, now: datetime) -> list[Condition]:
    p = T.pushes
    failed = sa.and_(p.c.attempts > 0, p.c.status != "delivered")
    rows = await conn.execute(
        sa.select(p.c.store, sa.func.count(), sa.func.count().filter(failed), sa.func.min(p.c.created_at).filter(failed),
                  sa.func.count().filter(p.c.status == "dead"), sa.func.count(sa.distinct(p.c.order_id)).filter(failed))
        .where(p.c.created_at >= now - timedelta(seconds=s.window)).group_by(p.c.store))
    out = []
    for store, n, bad, first, dead, orders in rows:
        if bad >= min(s.min_events, 5) and bad / n >= s.push_failure_share:
            out.append(Condition("push_failures", store, f"store {store}: {bad} of {n} pushes failing", as_utc(first) or now,
                                 details={"failing": bad, "queued": n, "dead": dead, "share": round(bad / n, 3)},
                                 impact={"stores": 1, "orders": orders, "pushes": bad},
                                 actions=[{"at": None, "what": "pushes retried with backoff, keys kept; dead ones wait "
                                           f"for 'orderhub pushes retry --store {store}'", "by": "hub"}]))
    return out


async def carrier_delays(conn: Any, hub: Any, s: Settings, now: datetime) -> list[Condition]:
    """A carrier whose share of shipments flagged delayed in the last day is past ``delay_share``
    and at least twice what it was over the week before: its delays are rising."""
    sh = T.shipments
    day, week = now - timedelta(days=1), now - timedelta(days=8)
    rows = await conn.execute(
        sa.select(sh.c.carrier,
                  sa.func.count().filter(sh.c.shipped_at >= week, sh.c.shipped_at < day),
                  sa.func.count().filter(sh.c.delayed_at >= week, sh.c.delayed_at < day),
                  sa.func.count().filter(sh.c.state == "created", sh.c.delivered_at.is_(None)),
                  sa.func.count().filter(sh.c.delayed_at >= day),
                  sa.func.min(sh.c.delayed_at).filter(sh.c.delayed_at >= day),
                  sa.func.count(sa.distinct(sh.c.store)).filter(sh.c.delayed_at >= day))
        .where(sh.c.shipped_at >= week).group_by(sh.c.carrier))
    out = []
    for carrier, before_n, before_late, open_n, late, first, stores in rows:
        if late < s.min_delayed or not open_n:
            continue
        share = late / max(open_n, 1)
        base = before_late / before_n if before_n else 0.0
        if share >= s.delay_share and share >= 2 * base:
            out.append(Condition("carrier_delays", carrier, f"carrier {carrier}: {late} shipments delayed in the last "
                                 f"day ({share:.0%} of those in transit; the week before {base:.0%})", as_utc(first) or now,
                                 details={"delayed": late, "in_transit": open_n, "share": round(share, 3),
                                          "week_share": round(base, 3)},
                                 impact={"orders": late, "stores": stores},
                                 actions=[{"at": None, "what": "customers told of each delay once (the 'delayed' "
                                           "milestone)", "by": "hub"}]))
    return out


_A_CLASS: dict[str, Any] = {"at": 0.0, "skus": {}}


async def a_class_stockouts(conn: Any, hub: Any, s: Settings, now: datetime) -> list[Condition]:
    """Class-A SKUs (those making ``stockout_share`` of the last 30 days' stock taken for orders,
    valued at the catalog's unit cost where there is one) with nothing available at any location. The
    classes are worked out once an hour; the stock is read every time."""
    if time.monotonic() - _A_CLASS["at"] > 3600 or not _A_CLASS["skus"]:
        _A_CLASS.update(at=time.monotonic(), skus=await _a_class(conn, s, now))
    a = _A_CLASS["skus"]
    if not a:
        return []
    inv = T.inventory
    rows = await conn.execute(sa.select(inv.c.sku, sa.func.sum(inv.c.on_hand - inv.c.reserved), sa.func.max(inv.c.updated_at))
                              .where(inv.c.sku.in_(sorted(a))).group_by(inv.c.sku))
    out = []
    for sku, available, updated in rows:
        if available is not None and int(available) <= 0:
            out.append(Condition("a_sku_out_of_stock", sku, f"class-A SKU {sku} is out of stock everywhere",
                                 as_utc(updated) or now, details={"available": int(available),
                                                                  "share_of_value": a[sku]},
                                 impact={"skus": 1, "orders": await _orders_waiting_for(conn, sku)},
                                 actions=[{"at": None, "what": "orders wait for stock (policy hold or backorder); the "
                                           "level is pushed to every channel", "by": "hub"}]))
    return out


async def _a_class(conn: Any, s: Settings, now: datetime) -> dict[str, float]:
    m, cat = T.stock_movements, T.catalog
    cost = sa.cast(sa.func.coalesce(sa.func.nullif(cat.c.unit_cost, ""), "1"), sa.Numeric)
    value = sa.func.sum(-m.c.on_hand_delta * cost)
    rows = (await conn.execute(sa.select(m.c.sku, value.label("v")).outerjoin(cat, cat.c.sku == m.c.sku)
                               .where(m.c.kind == "consume", m.c.at >= now - timedelta(days=30))
                               .group_by(m.c.sku).order_by(value.desc()))).all()
    total = sum(float(r.v or 0) for r in rows)
    out, run = {}, 0.0
    for r in rows:
        if total <= 0 or run >= s.stockout_share * total:
            break
        out[r.sku] = round(float(r.v or 0) / total, 4)
        run += float(r.v or 0)
    return out


async def _orders_waiting_for(conn: Any, sku: str) -> int:
    """Orders held by the reserve step for want of this SKU (its reason names the SKU)."""
    rv = T.reviews
    return int((await conn.execute(sa.select(sa.func.count()).select_from(rv).where(
        rv.c.resolved_at.is_(None), rv.c.reason_codes.like("%insufficient_stock%"),
        sa.cast(rv.c.reasons, sa.Text).like(f"%{sku}:%")))).scalar_one())


async def database_trouble(conn: Any, hub: Any, s: Settings, now: datetime) -> list[Condition]:
    """The database failed this worker in the window: errors (a lock held past the busy timeout,
    lost connections) or pooled connections found dead (a restart). Seen by the worker that runs
    the detectors; the others log theirs."""
    seen = hub.database_trouble(now - timedelta(seconds=s.window))
    if not seen["errors"]:
        return []
    return [Condition("database_trouble", "database", f"the database failed {seen['errors']} time(s) in "
                      f"{_span(s.window)}: {seen['last_error']}", seen["first_at"],
                      details={"errors": seen["errors"], "last_error": seen["last_error"],
                               "last_at": seen["last_at"].isoformat()},
                      impact={"errors": seen["errors"]},
                      actions=[{"at": None, "what": "failed transactions rolled back; workflows and pushes retried "
                                "from their last recorded step; pooled connections replaced", "by": "hub"}])]


DETECTORS = (database_trouble, stores_paused, carriers, quarantine_rates, rate_limits, webhooks_refused, push_failures, carrier_delays,
             a_class_stockouts)
