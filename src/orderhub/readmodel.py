"""The core's tables, for plugins that read them: reports, exports, dashboards.

``core_tables`` (exported by :mod:`orderhub.extend`) holds them by name. A plugin queries them
with SQLAlchemy Core on a connection of its own (``hub.reading()``'s
``data.conn``, or ``hub.engine``) and never writes them: the core's writes keep versions, events,
stock and the outbox consistent, and go through :class:`orderhub.chain.data.StepData`. Their
columns keep their names and meaning across minor releases; ``orders.data`` is the canonical
:class:`orderhub.models.Order` as JSON. Times are UTC.

    orders            one row per order: store, channel, status, created_at, modified_at (every
                      change: a new version, a move), data
    order_events      each order's history: at, kind, from_status, to_status, actor, reason
    step_runs         each chain step's run on an order: step, started_at, duration_ms, outcome
    reviews           the review queue: created_at, resolved_at, resolution, operator, reasons
    quarantine        payloads refused at intake: error_code, status, created_at, resolved_by
    shipments         carrier, service, status, promised_at, shipped_at, delivered_at, plan
    inventory         on_hand and reserved per SKU and location; catalog: the SKUs
    stock_movements   every change of stock: kind, deltas, actor, order_id, at
    store_skus        which store sells which SKU
"""

from types import SimpleNamespace

from orderhub.db.schema import (
    catalog,
    inventory,
    order_events,
    orders,
    quarantine,
    reviews,
    shipments,
    step_runs,
    stock_movements,
    store_skus,
)

core_tables = SimpleNamespace(catalog=catalog, inventory=inventory, order_events=order_events, orders=orders,
                              quarantine=quarantine, reviews=reviews, shipments=shipments, step_runs=step_runs,
                              stock_movements=stock_movements, store_skus=store_skus)
