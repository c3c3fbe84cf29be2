"""Velocity and history: how many orders each of an order's identities (email, phone, shipping
address, card) placed within an hour and a day of it, and whether its customer has a history: an
earlier order shipped, or placed at least ``history_age`` before and not cancelled.

Each order's identities are rows of ``risk_identities`` keyed by a hash, stamped with the order's
creation time, so a count is an index range scan and re-scoring an order gives the same answer.
With several workers on PostgreSQL the keys are locked (``StepData.lock_keys``) before they are
written and counted: of two orders sharing an email scored at once, the second waits for the
first to commit and counts it. Of two orders, the one scored later always sees the other.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from orderhub.extend import Order, StepData, as_utc

from .signals import Facts
from .tables import identities

WINDOWS = {"1h": timedelta(hours=1), "24h": timedelta(hours=24)}
SHIPPED = frozenset({"shipped", "delivered", "exception", "returned"})
GONE = frozenset({"cancelled"})
#: How many earlier orders of one customer are looked at for a history (the newest first).
HISTORY_LIMIT = 50


async def facts_for(data: StepData, orders: list[Order], keys: dict[str, dict[str, str]], *,
                    history_age: timedelta) -> dict[str, Facts]:
    """Record the orders' identities, then count, for each order, the orders sharing each identity
    within each window up to its own creation time (itself included), and its customer's
    earlier orders that make a history."""
    conn = data.conn
    all_keys = sorted({k for ks in keys.values() for k in ks.values()})
    await data.lock_keys("risk", all_keys)
    ids = [o.id for o in orders]
    await conn.execute(identities.delete().where(identities.c.order_id.in_(ids)))
    await data.insert_new(identities, [{"kind": kind, "key": key, "order_id": o.id, "at": o.created_at}
                                       for o in orders for kind, key in keys[o.id].items()],
                          "kind", "key", "order_id")
    out = {o.id: Facts() for o in orders}
    if not all_keys:
        return out
    lo = min(o.created_at for o in orders) - max(WINDOWS.values())
    hi = max(o.created_at for o in orders)
    seen: dict[str, list[tuple[str, object]]] = defaultdict(list)
    for key, oid, at in await conn.execute(sa.select(identities.c.key, identities.c.order_id, identities.c.at).where(
            identities.c.key.in_(all_keys), identities.c.at > lo, identities.c.at <= hi)):
        seen[key].append((oid, as_utc(at)))
    card_orders: dict[str, set[str]] = {}
    for o in orders:
        for kind, key in keys[o.id].items():
            for name, span in WINDOWS.items():
                near = [oid for oid, at in seen[key] if o.created_at - span < at <= o.created_at]  # type: ignore[operator]
                out[o.id].velocity[f"{kind}_{name}"] = len(near)
                if kind == "card" and name == "24h":
                    card_orders[o.id] = set(near)
    await _card_emails(conn, keys, card_orders, out)
    await _history(data, orders, keys, out, history_age)
    return out


async def _card_emails(conn: Any, keys: dict[str, dict[str, str]], card_orders: dict[str, set[str]],
                       out: dict[str, Facts]) -> None:
    """How many different emails paid with each order's card within a day before it."""
    sharing = {oid for ids in card_orders.values() for oid in ids}
    if not sharing:
        return
    email_of = dict((await conn.execute(sa.select(identities.c.order_id, identities.c.key).where(
        identities.c.kind == "email", identities.c.order_id.in_(sorted(sharing))))).all())
    for oid, ids in card_orders.items():
        emails = {email_of[i] for i in ids if i in email_of}
        if "email" in keys[oid]:
            emails.add(keys[oid]["email"])
        out[oid].card_emails = len(emails)


async def _history(data: StepData, orders: list[Order], keys: dict[str, dict[str, str]], out: dict[str, Facts],
                   age: timedelta) -> None:
    """Each order's customer's earlier orders (by email) that were shipped, or placed ``age``
    before it and not cancelled."""
    emails = {o.id: keys[o.id]["email"] for o in orders if "email" in keys[o.id]}
    if not emails:
        return
    earlier: dict[str, list[tuple[str, object]]] = defaultdict(list)
    rows = await data.conn.execute(
        sa.select(identities.c.key, identities.c.order_id, identities.c.at)
        .where(identities.c.kind == "email", identities.c.key.in_(sorted(set(emails.values()))))
        .order_by(identities.c.at.desc()).limit(HISTORY_LIMIT * len(emails)))
    for key, oid, at in rows:
        earlier[key].append((oid, as_utc(at)))
    briefs = await data.order_briefs({oid for pairs in earlier.values() for oid, _ in pairs})
    for o in orders:
        key = emails.get(o.id)
        if key is None:
            continue
        known = 0
        for oid, at in earlier[key][:HISTORY_LIMIT]:
            status = briefs.get(oid, {}).get("status")
            if oid == o.id or at >= o.created_at or status is None or status in GONE:  # type: ignore[operator]
                continue
            if status in SHIPPED or at <= o.created_at - age:  # type: ignore[operator]
                known += 1
        out[o.id].known_before = known
