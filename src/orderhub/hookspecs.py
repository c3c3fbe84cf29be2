"""Every extension point of orderhub, in pipeline order. This file is the integrator's map.

Families:
    ``configure``  — start-up: the validated config, once per hub.
    ``register_*`` — hand classes to the hub. Each receives a ``register`` callback, so one
    plugin can register several things. Called once at start-up.
    ``on_*``       — notifications after the fact (alerts, messages). Return ``None`` or an
    awaitable; the hub awaits it and logs, never raises, a failure.
    Durable effects — ``on_shipment_milestone`` runs *inside* the transaction that records the
    milestone and queues sends on its ``outbox``; ``deliver_push`` then delivers them after the
    commit, with retries and an idempotency key, so a crash neither loses nor repeats one.

The chain itself is an explicit ordered list from config, never hook ordering. Specs grow by
adding arguments, never by renaming them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from orderhub.models import Feedback, Incident, InventoryLevel, Order, Shipment

hookspec = pluggy.HookspecMarker("orderhub")
hookimpl = pluggy.HookimplMarker("orderhub")


# -- start-up -------------------------------------------------------------------------------


@hookspec
def configure(config: Any, hub: Any) -> None:
    """The hub started with this validated Config; read your own table from ``config.plugins[<name>]``.
    Keep ``hub`` for what needs it later: ``hub.plugin_http(name)`` for sends, ``hub.reading()``."""


# -- registration ---------------------------------------------------------------------------


@hookspec
def register_connectors(register: Callable[..., None]) -> None:
    """Register marketplace connectors: ``register(ConnectorClass)``; the class's ``name`` is the config key."""


@hookspec
def register_carriers(register: Callable[..., None]) -> None:
    """Register carrier connectors: ``register(CarrierClass)``; the class's ``name`` is the config key."""


@hookspec
def register_steps(register: Callable[..., None]) -> None:
    """Register chain steps: ``register(StepClass)``; the class's ``name`` is what a chain lists. A
    step decides for one order (``Step.run``) and may decide for a batch at once (``Step.run_batch``;
    see :mod:`orderhub.chain.steps`)."""


@hookspec
def register_migrations(register: Callable[..., None]) -> None:
    """Bring the plugin's own tables: ``register(folder, metadata)``, a folder of Alembic revisions on a
    branch of the plugin's own (its first revision has ``down_revision = None``, ``branch_labels =
    ("<plugin>",)`` and ``depends_on`` the core revision it needs) and the ``MetaData`` its tables
    live on. They run with the core's on every start (``Hub.migrate``). Name the tables
    ``<plugin>_…``; use ``ctx.conn`` in a step to read and write them."""


@hookspec
def register_routes(app: Any, hub: Any) -> None:
    """Add routes to the worker's FastAPI app, e.g. ``app.include_router(router, prefix="/api/v1/<plugin>")``.
    Everything under ``/api/`` answers only with the admin bearer token (checked before routing);
    read through ``hub.reading()``. They appear in ``/openapi.json`` and ``/docs``."""


@hookspec
def register_schedules(register: Callable[..., None]) -> None:
    """Periodic jobs the daemon runs: ``register(name, cron, job)``, ``job`` an ``async def job(hub,
    scheduled_at)``. Each runs as a durable DBOS scheduled workflow: once per tick across all
    workers (whichever takes it), and resumed after a crash. ``cron`` has five fields, or six with
    seconds first (``"0 */15 * * * *"``: every quarter hour)."""


@hookspec
def register_store_tasks(register: Callable[..., None]) -> None:
    """Work for one store in its own turn: ``register(name, task)``, ``task`` an ``async def
    task(hub, store) -> dict | None``, run at the end of each of the store's syncs, after its pushes,
    as a step of the store's sync workflow — so never while another worker syncs that store, and it
    may call the store's connector (the feedback plugin pulls reviews so). Its counts are logged
    with the store; a task that raises is logged and the sync goes on."""


@hookspec
def register_emulators(register: Callable[..., None]) -> None:
    """Register loopback emulators for ``orderhub sandbox`` and tests: ``register(EmulatorClass)``,
    a subclass of ``orderhub.sandbox.Shop`` (a marketplace) or ``orderhub.sandbox.CarrierDesk`` (a
    carrier) whose ``kind`` is the connector it emulates; it makes itself (``for_sandbox``) and
    writes the store or carrier table that points at it (``store_config``)."""


@hookspec
def register_commands(cli: Any) -> None:
    """Add sub-commands to the ``orderhub`` typer app: ``cli.command()(fn)`` or ``cli.add_typer(...)``."""


@hookspec
def demo_finished(hub: Any, folder: Any) -> Any:
    """``orderhub demo`` has synced the sandbox into ``folder`` (a ``Path``): show what the plugin
    makes of it. Return the lines to print under the demo's summary (or an awaitable of them), and
    write any file beside its data (a report page, an export). The sandbox shops still serve
    while it runs (the stores' connectors reach them)."""


# -- notifications --------------------------------------------------------------------------


@hookspec
def on_order_state_changed(order: Order, from_status: str, to_status: str, actor: str, reason: str | None) -> Any:
    """An order moved in the lifecycle (after the change is committed)."""


@hookspec
def on_order_held(order: Order, step: str, reasons: list[dict[str, str]]) -> Any:
    """An order entered the review queue; ``reasons`` are ``{"code", "message"}`` dicts."""


@hookspec
def on_quarantined(store: str, external_id: str | None, error: dict[str, Any]) -> Any:
    """A payload could not be parsed or validated and was put in quarantine."""


@hookspec
def on_low_stock(level: InventoryLevel, threshold: int) -> Any:
    """Available stock of a SKU at a location crossed its threshold downwards (once per crossing)."""


@hookspec
def on_tracking_updated(shipment: Shipment, previous_status: str | None) -> Any:
    """A shipment's normalized tracking status changed."""


@hookspec
def on_shipment_milestone(order: Order, shipment: Shipment, milestone: str, outbox: Any) -> None:
    """A shipment reached a milestone: ``shipped``, ``in_transit``, ``out_for_delivery``,
    ``attempt_fail``, ``available_for_pickup``, ``delivered``, ``exception`` or ``delayed``.

    Called inside the transaction that records it, once per shipment and milestone. Do no I/O
    here: queue each send with ``outbox.push(kind, payload, key=..., target="plugin:<your name>")``
    (the same key is queued once) and deliver it in :func:`deliver_push`.
    """


@hookspec
def register_reports(register: Callable[..., None]) -> None:
    """Add reports to ``orderhub report NAME``, ``/api/v1/reports/{name}`` and the daily report:
    ``register(name, build)``, ``build`` an ``async def build(conn, params, hub) -> Report``
    (``orderhub.extend.Report``; ``params`` a ReportParams, ``conn`` a read connection). The
    reports plugin renders it as a table, JSON, CSV, a chart and in the HTML page."""


@hookspec
def plugin_gauges(conn: Any) -> Any:
    """Gauges for ``/metrics``, read with ``conn`` each time it is scraped: a list (or an awaitable
    of one) of ``{"name": "orderhub_<plugin>_…", "help": str, "labels": {label: value}, "value":
    float}`` (the feedback plugin's open and overdue items by priority). Same name, same labels."""


@hookspec
def order_timeline(conn: Any, order_id: str) -> Any:
    """What a plugin keeps about an order, for its timeline (``orders show``, ``GET
    /api/v1/orders/{ref}``): a list (or an awaitable of one) of ``{"at": datetime, "kind": str,
    "text": str}`` and any more keys, read with ``conn`` (a read connection)."""


@hookspec
def order_details(conn: Any, order_id: str) -> Any:
    """Sections a plugin adds to an order's view (``orders show``, ``GET /api/v1/orders/{ref}``):
    a dict (or an awaitable of one) ``{section: value}`` of JSON values, read with ``conn`` (the
    risk plugin gives ``{"risk": {"score": …, "signals": […]}}``). A ``"summary"`` string in a
    section's dict is what ``orders show`` prints for people; otherwise it prints the JSON."""


@hookspec
def order_links(order: Order) -> dict[str, str] | None:
    """Links about ``order`` to put in messages to its customer, by name (the feedback plugin
    gives ``order_page``: its signed tracking page). No I/O: called while a message is built."""


@hookspec(firstresult=True)
def deliver_push(store: str, target: str, kind: str, order: Order | None, payload: dict[str, Any], key: str) -> Any:
    """Deliver a push queued for ``target`` (``"plugin:<name>"``): return a receipt (or an awaitable
    of one) if the target is yours, else ``None``. Raise TransientError to be retried later; send
    ``key`` along so the far side can ignore a repeat."""


@hookspec
def on_webhook_refused(store: str, code: str, error: str) -> Any:
    """A webhook delivery was refused before anything was stored: ``forged_webhook`` (its
    signature did not verify) or a body the connector cannot read. Fired in the worker that
    received it; a flood of these is an attack or a rotated secret."""


@hookspec
def on_incident_opened(incident: Incident) -> Any:
    """An incident was opened (a store paused, a carrier failing, a rate past its threshold, …):
    alert someone. Fired once per incident, after it is recorded."""


@hookspec
def on_incident_resolved(incident: Incident) -> Any:
    """An incident was resolved: its condition cleared (``resolved_by`` ``"auto"``) or an operator
    closed it. ``resolved_at - since`` is how long it lasted."""


@hookspec
def on_feedback_received(feedback: Feedback) -> Any:
    """A review, complaint, return or question was imported and classified (once per
    ``(source, external_id)``: a re-import does not fire it again)."""


@hookspec
def on_feedback_escalated(feedback: Feedback, due_at: datetime) -> Any:
    """A feedback item was not responded to by ``due_at``, the deadline its priority sets: page
    someone. Fired once per item, by the daemon's minute job."""
