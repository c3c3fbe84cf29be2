"""The core's tables, for plugins that read them: reports, exports, dashboards.

``core_tables`` (exported by :mod:`orderhub.extend`) holds them by name. A plugin queries them
with SQLAlchemy Core on a connection of its own (``hub.reading()``'s
``data.conn``, or ``hub.engine``) and never writes them: the core's writes keep versions, events,
stock and the outbox consistent, and go through :class:`orderhub.chain.data.StepData`. Their
columns keep their names and meaning across minor releases; ``orders.data`` is the canonical
:class:`orderhub.models.Order` as JSON. Times are UTC.

    orders            one row per order: store, channel, status, created_at, modified_at (every
                      change: a new version, a move), data
    order_versions    each payload accepted for an order: version, received_at
    order_events      each order's history: at, kind, from_status, to_status, actor, reason
    step_runs         each chain step's run on an order: step, started_at, duration_ms, outcome
    reviews           the review queue: created_at, resolved_at, resolution, operator, reasons
    quarantine        payloads refused at intake: error_code, status, created_at, resolved_by
    pushes            the outbox: store, kind, target, status, attempts, last_error, created_at
    store_state       per store: paused (and why), the last sync's outcome
    carrier_state     carrier accounts an operator paused
    shipments         carrier, service, status, promised_at, shipped_at, delivered_at, plan
    inventory         on_hand and reserved per SKU and location; catalog: the SKUs
    stock_movements   every change of stock: kind, deltas, actor, order_id, at
    store_skus        which store sells which SKU
"""

from types import SimpleNamespace

from orderhub.db.schema import (
    carrier_state,
    catalog,
    inventory,
    order_events,
    order_versions,
    orders,
    pushes,
    quarantine,
    reviews,
    shipments,
    step_runs,
    stock_movements,
    store_skus,
    store_state,
)

core_tables = SimpleNamespace(carrier_state=carrier_state, catalog=catalog, inventory=inventory,
                              order_events=order_events, order_versions=order_versions, orders=orders, pushes=pushes,
                              quarantine=quarantine, reviews=reviews, shipments=shipments, step_runs=step_runs,
                              stock_movements=stock_movements, store_skus=store_skus, store_state=store_state)
