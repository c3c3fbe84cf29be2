"""Prometheus metrics: what the operator at 3 a.m. looks at first.

Counters and histograms are fed by the runtime as work completes; the HTTP adapter's per-store
figures (requests, retries, 429s, time waited on rate limits, circuit state) are read at scrape time;
queue depths, oldest pending work, cursor lag and the plugins' gauges (``plugin_gauges``: the
feedback queue) are refreshed from the database by the daemon.
Each hub has its own registry, so tests and several hubs in one process never collide.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from orderhub.db.common import as_utc
from orderhub.db.schema import cursors, orders, pushes, store_state
from orderhub.logging import get_logger
from orderhub.notices import Notice, OrderStateChanged

if TYPE_CHECKING:
    from orderhub.hub import Hub

CIRCUIT = {"closed": 0, "half_open": 1, "open": 2}
log = get_logger()


class Metrics:
    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.ingested = Counter("orderhub_orders_ingested", "Orders stored (new or changed)", ["store", "kind"],
                                registry=r)
        self.quarantined = Counter("orderhub_orders_quarantined", "Payloads quarantined", ["store"], registry=r)
        self.held = Counter("orderhub_orders_held", "Orders put on hold for review", ["store"], registry=r)
        self.transitions = Counter("orderhub_order_transitions", "Lifecycle moves", ["store", "to"], registry=r)
        self.step_seconds = Histogram("orderhub_chain_step_seconds", "Time one chain step took for one order",
                                      ["store", "step"], registry=r,
                                      buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5))
        self.pushes = Counter("orderhub_pushes", "Push delivery attempts by outcome", ["store", "kind", "outcome"],
                              registry=r)
        self.webhooks = Counter("orderhub_webhooks", "Webhook deliveries by outcome", ["store", "status"], registry=r)
        self.tracking = Counter("orderhub_tracking", "Shipments tracked, by carrier and result (checked, failed, "
                                "delayed)", ["carrier", "result"], registry=r)
        self.syncs = Counter("orderhub_syncs", "Store syncs by result", ["store", "result"], registry=r)
        self.poll_lag = Histogram("orderhub_poll_lag_seconds", "How late a scheduled poll of a store started (waiting "
                                  "for a free slot, or behind its previous sync)", registry=r,
                                  buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900))
        self.db_conflicts = Counter("orderhub_db_conflicts", "Chain batches rolled back by a deadlock or "
                                    "serialization failure and run again", ["store"], registry=r)
        self.queue_depth = Gauge("orderhub_queue_depth", "Work waiting, per store and queue", ["store", "queue"],
                                 registry=r)
        self.oldest_pending = Gauge("orderhub_oldest_pending_seconds", "Age of the oldest waiting work",
                                    ["store", "queue"], registry=r)
        self.cursor_lag = Gauge("orderhub_cursor_lag_seconds", "Time since the store's cursor last moved", ["store"],
                                registry=r)
        self.paused = Gauge("orderhub_store_paused", "1 while a store is paused", ["store"], registry=r)
        r.register(_HttpCollector(hub))
        self._gauges: dict[str, Gauge] = {}  # the plugins', made when first reported

    def observe_chain(self, store: str, summary: dict[str, Any], durations: list[tuple[str, float]]) -> None:
        for step, seconds in durations:
            self.step_seconds.labels(store, step).observe(seconds)
        if summary.get("held"):
            self.held.labels(store).inc(summary["held"])

    def observe_notices(self, notices: list[Notice]) -> None:
        for n in notices:
            if isinstance(n, OrderStateChanged):
                self.transitions.labels(n.order.store, n.to_status).inc()

    async def refresh(self) -> None:
        """Queue depths, oldest pending work and cursor lag, from the database."""
        now = datetime.now(UTC)
        async with self.hub.engine.connect() as conn:
            chain = (await conn.execute(sa.select(orders.c.store, sa.func.count(), sa.func.min(orders.c.modified_at))
                                        .where(orders.c.chain_pending.is_(True)).group_by(orders.c.store))).all()
            due = (await conn.execute(sa.select(pushes.c.store, sa.func.count(), sa.func.min(pushes.c.created_at))
                                      .where(pushes.c.status == "pending").group_by(pushes.c.store))).all()
            lags = (await conn.execute(sa.select(cursors.c.store, sa.func.max(cursors.c.updated_at))
                                       .group_by(cursors.c.store))).all()
            paused = (await conn.execute(sa.select(store_state.c.store, store_state.c.paused))).all()
            await self._plugin_gauges(conn)
        for store in self.hub.config.stores:
            for queue, rows in (("chain", chain), ("pushes", due)):
                row = next((x for x in rows if x[0] == store), None)
                self.queue_depth.labels(store, queue).set(row[1] if row else 0)
                oldest = as_utc(row[2]) if row else None
                self.oldest_pending.labels(store, queue).set((now - oldest).total_seconds() if oldest else 0)
            lag = next((as_utc(x[1]) for x in lags if x[0] == store), None)
            if lag is not None:
                self.cursor_lag.labels(store).set((now - lag).total_seconds())
            self.paused.labels(store).set(1 if any(x[0] == store and x[1] for x in paused) else 0)

    async def _plugin_gauges(self, conn: Any) -> None:
        """The plugins' gauges (``plugin_gauges``); a plugin that fails is logged and skipped."""
        import inspect

        for impl in self.hub.plugins.hook.plugin_gauges.get_hookimpls():
            try:
                found = impl.function(conn=conn)
                if inspect.isawaitable(found):
                    found = await found
                for g in found or []:
                    labels = dict(g.get("labels") or {})
                    gauge = self._gauges.get(g["name"])
                    if gauge is None:
                        gauge = self._gauges[g["name"]] = Gauge(g["name"], g.get("help") or g["name"], sorted(labels),
                                                                registry=self.registry)
                    (gauge.labels(**labels) if labels else gauge).set(float(g["value"]))
            except Exception:
                log.exception("plugin_gauges_failed", plugin=impl.plugin_name)

    def render(self) -> bytes:
        return generate_latest(self.registry)


class _HttpCollector:
    """Every HTTP adapter's figures (stores and carrier accounts), read when Prometheus scrapes."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub

    def describe(self) -> list[Any]:
        return []

    def collect(self) -> Iterator[Any]:
        fams = {
            "requests": CounterMetricFamily("orderhub_http_requests", "HTTP requests sent", labels=["store"]),
            "retries": CounterMetricFamily("orderhub_http_retries", "HTTP retries", labels=["store"]),
            "throttled": CounterMetricFamily("orderhub_http_429", "429 responses received", labels=["store"]),
            "server_errors": CounterMetricFamily("orderhub_http_5xx", "5xx responses received", labels=["store"]),
            "rate_limit_wait_seconds": CounterMetricFamily("orderhub_rate_limit_wait_seconds",
                                                           "Time spent waiting on rate limits", labels=["store"]),
        }
        circuit = GaugeMetricFamily("orderhub_circuit_state", "0 closed, 1 half open, 2 open", labels=["store"])
        for http in self.hub.http_adapters():  # stores by name, carrier accounts as carrier:NAME
            for attr, fam in fams.items():
                fam.add_metric([http.store], float(getattr(http.stats, attr)))
            circuit.add_metric([http.store], CIRCUIT[http.breaker.state])
        yield from fams.values()
        yield circuit
