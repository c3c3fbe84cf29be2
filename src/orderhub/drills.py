"""``orderhub drill NAME``: rehearse an emergency on the sandbox, end to end, and prove nothing
was lost.

Each drill starts sandbox shops (Shopify and WooCommerce) and carriers, writes a config whose
chain ships orders (validate → select_carrier → fulfil) with the incident detectors looking every
second, runs the daemon in this process, and then:

1. lets it sync the first orders normally (the baseline);
2. injects the fault and keeps orders coming; waits for the incident the fault should open;
3. waits for the playbook to do its part (fallback labels, pacing, quarantine, a paused store);
4. clears the fault — with the operator's move where one is needed (new credentials and
   ``stores resume``) — and waits for the incident to resolve and the backlog to drain;
5. accounts for everything: every order the shops hold stored once (or quarantined with its
   error, for a payload that was broken), every push delivered exactly once, one label per
   shipment, no push left pending or dead.

Drills: ``carrier_outage`` (the carrier most orders chose answers 503), ``rate_limit_storm``
(half the shops' answers are 429), ``bad_payload_flood`` (a third of new orders are broken),
``credentials_revoked`` (a shop rejects the token: 401), ``database_restart`` (every database
connection is cut — PostgreSQL's backends terminated, SQLite's file locked by another writer).
The incident detectors come from a plugin (the built-in ``incidents``): without one installed,
a drill says so and fails.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from orderhub.hookspecs import hookimpl

if TYPE_CHECKING:
    from orderhub.hub import Hub
    from orderhub.sandbox import Sandbox

SHIP_FROM = {"name": "Sandbox Warehouse", "lines": ["1 Dock Rd"], "city": "Austin", "region": "TX",
             "postal_code": "78701", "country": "US", "phone": "+1 512 555 0100"}
#: Longer than SQLite's busy timeout (30 s): writes waiting for the lock fail rather than only wait.
LOCK_SECONDS = 33.0
CHAIN = '[{step = "validate", require_catalog = false, check_duplicates = false}, "select_carrier", "fulfil"]'


class DrillFailed(Exception):
    pass


@dataclass
class Heard:
    """The incident hooks, heard in this process."""

    opened: list[Any] = field(default_factory=list)
    resolved: list[Any] = field(default_factory=list)

    @hookimpl
    def on_incident_opened(self, incident: Any) -> None:
        self.opened.append(incident)

    @hookimpl
    def on_incident_resolved(self, incident: Any) -> None:
        self.resolved.append(incident)


@dataclass
class Drill:
    name: str
    kind: str  # the incident it must open
    fault: str  # what is injected, in words
    playbook: str  # what the hub is expected to do, in words
    orders: int = 30  # per shop before the fault, and again during it
    malformed: float = 0.0
    incidents: dict[str, Any] = field(default_factory=dict)  # [plugins.incidents] over the drill's defaults
    #: The playbook copes while the fault holds: the new orders are all processed before it clears.
    copes: bool = True


DRILLS = {
    "carrier_outage": Drill("carrier_outage", "carrier_failing", "the label service of the carrier most orders "
                            "chose answers 503 (its rates still answer, so it keeps being chosen)",
                            "fulfil gives each shipment to the runner-up of its own selection; one label per parcel"),
    "rate_limit_storm": Drill("rate_limit_storm", "rate_limited", "40% of every shop's answers are 429 with "
                              "Retry-After: 0.5", "requests paced, each 429 waited out for its Retry-After, none early"),
    "bad_payload_flood": Drill("bad_payload_flood", "quarantine_rate", "a third of the new orders are broken payloads",
                               "each broken payload quarantined with its error; the sync goes on", malformed=0.0),
    "credentials_revoked": Drill("credentials_revoked", "store_paused", "a shop rejects the access token (401)",
                                 "the store is paused, nothing else stops; after new credentials and 'stores resume' "
                                 "it catches up", copes=False),
    "database_restart": Drill("database_restart", "database_trouble", "every database connection is cut for a while",
                              "workflows and pushes resume from their last recorded step; nothing runs twice",
                              copes=False),
}


@dataclass
class Clock:
    start: float = field(default_factory=time.monotonic)
    marks: list[tuple[float, str]] = field(default_factory=list)

    def mark(self, text: str) -> float:
        t = time.monotonic() - self.start
        self.marks.append((round(t, 1), text))
        return t


async def _until(predicate: Any, *, timeout: float, what: str, every: float = 0.5) -> None:
    end = time.monotonic() + timeout
    while True:
        if await predicate():
            return
        if time.monotonic() > end:
            raise DrillFailed(f"timed out after {timeout:.0f} s waiting for {what}")
        await asyncio.sleep(every)


def write_config(folder: Path, sb: Sandbox, drill: Drill, db: str) -> Path:
    from orderhub.sandbox.config import sandbox_config_toml

    stores = sb.store_configs(folder / "secrets")
    for sc in stores.values():
        sc.update(payment_rule="always", poll_interval="2s",
                  shipping={"ship_from": SHIP_FROM, "preset": "balanced", "track_interval": "1h"})
    carriers = sb.carrier_configs(folder / "secrets")
    for c in carriers.values():  # an outage shows after two tries, not a minute of them
        c.update(http_attempts=2, http_budget="3s")
    incidents = {"every": "1s", "window": "20s", "clear_after": "3s", "min_events": 5, "carrier_fallbacks": 3,
                 **drill.incidents}
    text = sandbox_config_toml(stores, db=db, chain=CHAIN, carriers=carriers, plugins={"incidents": incidents})
    text += '\n[server]\nport = 0\n'
    path = folder / "orderhub.toml"
    path.write_text(text)
    return path


# -- what is true of the database ---------------------------------------------------------


async def _scalar(hub: Hub, q: Any) -> Any:
    async with hub.engine.connect() as conn:
        return (await conn.execute(q)).scalar()


async def _drained(hub: Hub, sb: Sandbox) -> bool:
    """Every order the shops hold is stored or quarantined, the chain is done, no push waits."""
    from orderhub.db.schema import orders, pushes, quarantine

    async with hub.engine.connect() as conn:
        stored = {(r.store, r.external_id) for r in await conn.execute(sa.select(orders.c.store, orders.c.external_id))}
        held = {(r.store, r.external_id) for r in await conn.execute(
            sa.select(quarantine.c.store, quarantine.c.external_id).where(quarantine.c.status == "open"))}
        pending_chain = (await conn.execute(sa.select(sa.func.count()).select_from(orders).where(
            orders.c.chain_pending.is_(True)))).scalar()
        waiting = (await conn.execute(sa.select(sa.func.count()).select_from(pushes).where(
            pushes.c.status == "pending"))).scalar()
    expected = {(name, shop.external_id(i)) for name, shop in sb.shops.items() for i in range(shop.count)}
    return expected <= (stored | held) and not pending_chain and not waiting


async def account(hub: Hub, sb: Sandbox) -> dict[str, Any]:
    """Every order and push accounted for, with the figures; ``problems`` lists what is not."""
    from orderhub.db.schema import order_events, orders, pushes, quarantine, shipments

    async with hub.engine.connect() as conn:
        stored = Counter((r.store, r.external_id) for r in await conn.execute(
            sa.select(orders.c.store, orders.c.external_id)))
        held = {(r.store, r.external_id) for r in await conn.execute(
            sa.select(quarantine.c.store, quarantine.c.external_id).where(quarantine.c.status == "open"))}
        push_states = Counter(r.status for r in await conn.execute(sa.select(pushes.c.status)))
        created = (await conn.execute(sa.select(shipments.c.store, shipments.c.carrier, shipments.c.tracking_number)
                                      .where(shipments.c.state == "created"))).all()
        delivered_keys = [r.key for r in await conn.execute(sa.select(pushes.c.key).where(pushes.c.status == "delivered"))]
        fallbacks = (await conn.execute(sa.select(sa.func.count()).select_from(order_events).where(
            order_events.c.kind == "carrier_fallback"))).scalar()
    expected = {(name, shop.external_id(i)) for name, shop in sb.shops.items() for i in range(shop.count)}
    problems = []
    missing = expected - set(stored) - held
    if missing:
        problems.append(f"{len(missing)} orders neither stored nor quarantined: {sorted(missing)[:5]}")
    twice = [k for k, n in stored.items() if n > 1]
    if twice:
        problems.append(f"{len(twice)} orders stored twice")
    if push_states.get("pending") or push_states.get("dead"):
        problems.append(f"pushes left: {push_states.get('pending', 0)} pending, {push_states.get('dead', 0)} dead")
    labels = sum(d.labels_created for d in sb.carriers.values())
    if labels != len(created):
        problems.append(f"{labels} labels bought for {len(created)} shipments")
    shipped_per_store = Counter(r.store for r in created)
    for name, shop in sb.shops.items():
        if shop.kind != "shopify":
            continue
        fulfilments = sum(1 for p in shop.pushes if p["kind"] == "fulfillment")
        if fulfilments != shipped_per_store.get(name, 0):
            problems.append(f"{name}: {fulfilments} fulfilments applied for {shipped_per_store.get(name, 0)} shipments")
    if len(delivered_keys) != len(set(delivered_keys)):
        problems.append("a push key delivered twice")
    early = sum(getattr(shop, "violations", 0) for shop in sb.shops.values())
    if early:
        problems.append(f"{early} requests sent before the Retry-After they were given")
    return {"orders_at_shops": len(expected), "stored": len(stored), "quarantined": len(held & expected),
            "pushes": dict(push_states), "shipments": len(created), "labels": labels, "fallbacks": fallbacks,
            "carriers": dict(Counter(r.carrier for r in created)), "retry_after_violations": early,
            "problems": problems}


# -- the faults -----------------------------------------------------------------------------


async def _chosen_most(hub: Hub) -> str:
    from orderhub.db.schema import shipments

    async with hub.engine.connect() as conn:
        rows = (await conn.execute(sa.select(shipments.c.carrier, sa.func.count()).group_by(shipments.c.carrier)
                                   .order_by(sa.func.count().desc()))).all()
    if not rows:
        raise DrillFailed("no shipment was planned in the baseline: the carriers cannot be told apart")
    return rows[0][0]


@contextlib.asynccontextmanager
async def _sqlite_locked(path: str, seconds: float):
    """Another writer holds SQLite's file for ``seconds``: every write of the hub waits or fails."""
    def hold() -> None:
        con = sqlite3.connect(path, timeout=30, isolation_level=None)
        try:
            con.execute("BEGIN EXCLUSIVE")
            time.sleep(seconds)
            con.execute("COMMIT")
        finally:
            con.close()
    task = asyncio.create_task(asyncio.to_thread(hold))
    try:
        yield
    finally:
        await task


async def _cut_connections(hub: Hub) -> int:
    """PostgreSQL: terminate every other backend on the hub's database (what a restart does to
    the clients). The number cut."""
    async with hub.engine.connect() as conn:
        n = (await conn.execute(sa.text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"))).scalar()
        await conn.commit()
    return int(n or 0)


class Inject:
    """A drill's fault: ``start`` it, ``stop`` it (with the operator's move), and a line on what was done."""

    def __init__(self, drill: Drill, sb: Sandbox, hub: Hub, db: str) -> None:
        self.drill, self.sb, self.hub, self.db = drill, sb, hub, db
        self.saved: dict[str, Any] = {}
        self.notes: list[str] = []

    async def start(self) -> None:
        name, sb = self.drill.name, self.sb
        if name == "carrier_outage":
            carrier = await _chosen_most(self.hub)
            self.saved["carrier"] = carrier
            sb.carriers[carrier].labels_down = True
            self.notes.append(f"{carrier}'s label service answers 503")
        elif name == "rate_limit_storm":
            for shop in sb.shops.values():
                shop.faults.storm, shop.faults.storm_retry_after = 0.4, 0.5
            self.notes.append("every shop answers 40% of its requests with 429, Retry-After: 0.5")
        elif name == "bad_payload_flood":
            for shop in sb.shops.values():
                self.saved[shop.name] = shop.malformed
                shop.malformed = 0.34
            self.notes.append("a third of the new orders are broken (missing fields, bad money, bad JSON)")
        elif name == "credentials_revoked":
            shop = next(s for s in sb.shops.values() if s.kind == "shopify")
            self.saved["shop"], self.saved["token"] = shop.name, shop.access_token
            shop.access_token = "revoked-by-the-drill"
            self.notes.append(f"{shop.name} rejects the hub's access token")
        elif name == "database_restart":
            if self.db.startswith("postgresql"):
                self.notes.append(f"{await _cut_connections(self.hub)} database connections terminated")
            else:
                self.saved["lock"] = _sqlite_locked(self.db.split("///", 1)[1], LOCK_SECONDS)
                await self.saved["lock"].__aenter__()
                self.notes.append(f"the SQLite file locked by another writer for {LOCK_SECONDS:.0f} s "
                                  "(past the 30 s busy timeout: writes fail)")

    async def stop(self) -> None:
        name, sb = self.drill.name, self.sb
        if name == "carrier_outage":
            sb.carriers[self.saved["carrier"]].labels_down = False
        elif name == "rate_limit_storm":
            for shop in sb.shops.values():
                shop.faults.storm = 0.0
        elif name == "bad_payload_flood":
            for shop in sb.shops.values():
                shop.malformed = self.saved[shop.name]
        elif name == "credentials_revoked":
            sb.shops[self.saved["shop"]].access_token = self.saved["token"]
            from orderhub.ops.actions import set_store_paused

            # the operator's move: new credentials, then 'orderhub stores resume'
            await set_store_paused(self.hub, self.saved["shop"], False, reason=None)
            self.notes.append(f"operator: credentials restored, 'orderhub stores resume {self.saved['shop']}'")
        elif name == "database_restart" and "lock" in self.saved:
            await self.saved["lock"].__aexit__(None, None, None)


# -- the run ----------------------------------------------------------------------------------


async def run(drill: Drill, folder: Path, *, db: str | None = None, timeout: float = 120.0) -> dict[str, Any]:
    """Run one drill in ``folder``; its report (``ok`` False with the reason when it failed)."""
    from orderhub.config import load_config
    from orderhub.hub import Hub
    from orderhub.logging import configure as configure_logging
    from orderhub.runtime.daemon import Daemon
    from orderhub.sandbox import Sandbox

    folder.mkdir(parents=True, exist_ok=True)
    db = db or f"sqlite:///{(folder / 'drill.db').resolve().as_posix()}"
    clock = Clock()
    report: dict[str, Any] = {"drill": drill.name, "fault": drill.fault, "expected_playbook": drill.playbook,
                              "incident_kind": drill.kind}
    with Sandbox(shopify=1, woocommerce=1, orders=drill.orders, malformed=drill.malformed, shopify_bucket=80,
                 shopify_leak=40) as sb:
        hub = Hub(load_config(write_config(folder, sb, drill, db)))
        configure_logging(hub.config.logging.format, hub.config.logging.level)
        hub.migrate()
        heard = Heard()
        hub.plugins.pm.register(heard, name="drill")
        daemon = Daemon(hub)
        running = asyncio.create_task(daemon.run())
        inject = Inject(drill, sb, hub, db)
        try:
            # nothing of ours may hold a transaction while the engine launches: on PostgreSQL its
            # migrations build indexes CONCURRENTLY, which wait for every open transaction
            async def launched() -> bool:
                return daemon.started or running.done()
            await _until(launched, timeout=timeout, what="the daemon to start")
            if running.done():
                running.result()  # the daemon failed to start: say why
            await _until(lambda: _drained(hub, sb), timeout=timeout, what="the baseline orders to be processed")
            clock.mark(f"baseline: {sum(s.count for s in sb.shops.values())} orders processed")
            await inject.start()
            t_fault = clock.mark("fault injected: " + "; ".join(inject.notes))
            for shop in sb.shops.values():  # orders keep coming during the fault
                await sb.add_orders(shop.name, drill.orders)

            def opened() -> Any:
                return next((i for i in heard.opened if i.kind == drill.kind), None)

            async def seen() -> bool:
                return opened() is not None
            await _until(seen, timeout=timeout, what=f"a {drill.kind} incident (is a detector plugin installed? "
                                                     "the built-in one is 'incidents')")
            inc = opened()
            t_detect = clock.mark(f"incident #{inc.id} opened: {inc.title}")
            if drill.copes:  # the playbook at work: everything that came in is processed under the fault
                await _until(lambda: _drained(hub, sb), timeout=timeout, what="the orders to be processed under the fault")
                clock.mark("every order that came in during the fault processed")
            else:
                await asyncio.sleep(3)
            await inject.stop()
            t_clear = clock.mark("fault cleared" + (f"; {inject.notes[-1]}" if drill.name == "credentials_revoked" else ""))

            async def resolved() -> bool:
                return any(i.id == inc.id for i in heard.resolved)
            await _until(resolved, timeout=timeout, what=f"incident #{inc.id} to resolve")
            t_resolved = clock.mark(f"incident #{inc.id} resolved")
            await _until(lambda: _drained(hub, sb), timeout=timeout, what="the backlog to drain")
            t_drained = clock.mark("backlog drained: every order stored or quarantined, no push waiting")
            report.update(ok=True, detected_after_s=round(t_detect - t_fault, 1),
                          recovered_after_s=round(t_resolved - t_clear, 1), drained_after_s=round(t_drained - t_clear, 1))
        except DrillFailed as exc:
            report.update(ok=False, failure=str(exc))
        finally:
            daemon.stop()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(running, 60)
        accounts = await account(hub, sb)
        report["incidents"] = [_incident_view(heard, i) for i in heard.opened]
        await hub.aclose()
    report.update(timeline=clock.marks, accounts=accounts, fault_notes=inject.notes)
    if accounts["problems"]:
        report["ok"] = False
    return report


def _incident_view(heard: Heard, opened: Any) -> dict[str, Any]:
    """An incident as it stood when it resolved (impact at its peak, every action), else as opened."""
    inc = next((i for i in heard.resolved if i.id == opened.id), opened)
    return {"id": inc.id, "kind": inc.kind, "subject": inc.subject, "title": inc.title, "status": inc.status,
            "since": inc.since, "opened_at": inc.opened_at, "resolved_at": inc.resolved_at,
            "resolved_by": inc.resolved_by, "impact": inc.impact, "actions": [a.get("what") for a in inc.actions]}
