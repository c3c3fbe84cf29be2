"""Every hook is documented (docs/plugin_hooks.md, one heading per exact signature) and tested."""

import importlib.util
import inspect
from datetime import UTC, datetime
from pathlib import Path

import pytest
import structlog
from typer.testing import CliRunner

from orderhub import hookimpl
from orderhub.intake.connector import RawRecord
from orderhub.intake.ingest import ingest_records
from orderhub.models import Feedback, InventoryLevel, Shipment
from orderhub.notices import FeedbackReceived, LowStock, TrackingUpdated
from orderhub.plugin_manager import PluginManager

from .helpers import TestPlugin, make_hub

ROOT = Path(__file__).parents[1]
UNUSED_DB = "sqlite:///unused.db"  # the hub opens no database until asked
spec = importlib.util.spec_from_file_location("gen_hook_docs", ROOT / "scripts" / "gen_hook_docs.py")
gen = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gen)


def test_every_hook_is_documented_in_the_spec_and_the_docs():
    hooks = gen.hooks()
    assert len(hooks) >= 10
    for name, fn in hooks:
        assert inspect.getdoc(fn), f"hook {name} has no docstring"
    assert (ROOT / "docs" / "plugin_hooks.md").read_text() == gen.render(), "run scripts/gen_hook_docs.py"


def test_every_hook_has_a_test():
    text = "\n".join(p.read_text() for p in (ROOT / "tests").rglob("test_*.py"))
    missing = [n for n, _ in gen.hooks() if f"def test_hook_{n}(" not in text]
    assert missing == []


class Recorder:
    def __init__(self):
        self.calls = []

    @hookimpl
    def on_low_stock(self, level, threshold):
        self.calls.append(("low_stock", level.sku, threshold))

    @hookimpl
    async def on_tracking_updated(self, shipment, previous_status):
        self.calls.append(("tracking", shipment.tracking_number, previous_status))

    @hookimpl
    def on_feedback_received(self, feedback):
        raise RuntimeError("a broken alerting plugin")

    @hookimpl
    def on_quarantined(self, store, external_id, error):
        self.calls.append(("quarantined", store, error["code"]))


class Things:
    class Carrier:
        name = "t_carrier"

    class Connector:
        name = "t_connector"

    @hookimpl
    def register_connectors(self, register):
        register(self.Connector)

    @hookimpl
    def register_carriers(self, register):
        register(self.Carrier)

    @hookimpl
    def register_steps(self, register):
        register(type("Nameless", (), {}))


def test_hook_register_connectors():
    pm = PluginManager(extra=(Things(),))
    assert pm.registry.connectors["t_connector"] is Things.Connector
    assert pm.registry.connectors["files"].__module__.startswith("orderhub_connectors.files")


def test_hook_register_carriers():
    assert PluginManager(extra=(Things(),)).registry.carriers["t_carrier"] is Things.Carrier


def test_hook_register_steps():
    pm = PluginManager(extra=(Things(), TestPlugin()))
    assert {"t_validate", "forward", "hold_rules"} <= set(pm.registry.steps)
    assert any("has no 'name'" in c for c in pm.registry.conflicts)


def test_hook_register_commands():
    import typer

    class Cmd:
        @hookimpl
        def register_commands(self, cli):
            @cli.command("hello-plugin")
            def hello():
                typer.echo("hello from a plugin")

    app = typer.Typer()

    @app.command()
    def base():
        pass

    PluginManager(load_entry_points=False, extra=(Cmd(),)).hook.register_commands(cli=app)
    result = CliRunner().invoke(app, ["hello-plugin"])
    assert result.exit_code == 0 and "hello from a plugin" in result.output


async def _chain_notices(engine, make_ingested, db_url):
    from orderhub.chain.runner import run_chain_batch
    from orderhub.db import orders as store

    plugin = TestPlugin()
    plugin.notices = []
    hub = make_hub(db_url, ["t_validate"], engine=engine, plugin=plugin)
    async with engine.begin() as conn:
        await store.upsert_orders(conn, [make_ingested("A-1"), make_ingested("A-2", tags=["bad"])])
        result, _ = await run_chain_batch(conn, hub, "shop", limit=10)
    await hub.notify(result.notices)
    return plugin.notices


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_hook_on_order_state_changed(engine, make_ingested, db_url):
    notices = await _chain_notices(engine, make_ingested, db_url)
    assert sorted(n[1]["to"] for n in notices if n[0] == "on_order_state_changed") == ["on_hold", "validated"]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_hook_on_order_held(engine, make_ingested, db_url):
    notices = await _chain_notices(engine, make_ingested, db_url)
    assert [n[1]["codes"] for n in notices if n[0] == "on_order_held"] == [["tagged_bad"]]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_hook_on_quarantined(engine, db_url, tmp_path):
    rec = Recorder()
    hub = make_hub(db_url, [], engine=engine, plugin=rec,
                   stores={"shop": {"connector": "files", "path": str(tmp_path)}})
    async with engine.begin() as conn:
        result = await ingest_records(conn, hub.connector("shop"), [RawRecord({"external_id": "X"}, "X", "x.json")])
    await hub.notify(result.notices)
    assert rec.calls == [("quarantined", "shop", "invalid_field")]


# The three hooks below are fired by the inventory, tracking and feedback modules (issues #4, #5);
# here the hub's dispatch is checked against the spec's arguments, sync and async impls alike.

async def test_hook_on_low_stock():
    rec = Recorder()
    hub = make_hub(UNUSED_DB, [], plugin=rec)
    await hub.notify([LowStock(level=InventoryLevel(sku="MUG", location="main", on_hand=3), threshold=5)])
    assert rec.calls == [("low_stock", "MUG", 5)]


async def test_hook_on_tracking_updated():
    rec = Recorder()
    hub = make_hub(UNUSED_DB, [], plugin=rec)
    shipment = Shipment(order_id="ord_1", carrier="dhl", tracking_number="JD01")
    await hub.notify([TrackingUpdated(shipment=shipment, previous_status="pending")])
    assert rec.calls == [("tracking", "JD01", "pending")]  # the async impl was awaited


async def test_hook_on_feedback_received():
    rec = Recorder()
    hub = make_hub(UNUSED_DB, [], plugin=rec)
    fb = Feedback(source="s", store="s", channel="files", external_id="r1", kind="complaint",
                  created_at=datetime.now(UTC))
    with structlog.testing.capture_logs() as logs:
        await hub.notify([FeedbackReceived(feedback=fb)])  # a failing hook is logged, not raised
    assert [(e["event"], e["hook"]) for e in logs] == [("hook_failed", "on_feedback_received")]


async def test_hook_on_feedback_escalated():
    from orderhub.notices import FeedbackEscalated

    seen = []

    class Pager:
        @hookimpl
        def on_feedback_escalated(self, feedback, due_at):
            seen.append((feedback.external_id, due_at))

    hub = make_hub(UNUSED_DB, [], plugin=Pager())
    due = datetime.now(UTC)
    fb = Feedback(source="s", external_id="r9", kind="complaint", created_at=due)
    await hub.notify([FeedbackEscalated(feedback=fb, due_at=due)])
    assert seen == [("r9", due)]


async def test_hook_on_incident_opened(tmp_path):
    """The register fires each once: opened when a condition appears, resolved when it clears."""
    await _incident_hooks(tmp_path)


async def test_hook_on_incident_resolved(tmp_path):
    """(The same run as above, from the other hook's side: resolved_by says who closed it.)"""
    await _incident_hooks(tmp_path)


async def _incident_hooks(tmp_path):
    from orderhub.db import stores as stores_db
    from orderhub_plugins.incidents.register import sweep
    from orderhub_plugins.incidents.settings import Settings

    seen = []

    class Pager:
        @hookimpl
        def on_incident_opened(self, incident):
            seen.append(("opened", incident.kind, incident.subject, incident.status))

        @hookimpl
        def on_incident_resolved(self, incident):
            seen.append(("resolved", incident.kind, incident.subject, incident.resolved_by))

    hub = make_hub(f"sqlite:///{tmp_path}/hub.db", [], plugin=Pager())
    hub.migrate()
    async with hub.engine.begin() as conn:
        await stores_db.set_state(conn, "shop", paused=True, paused_reason="maintenance")
    await sweep(hub, Settings(clear_after=0))
    await sweep(hub, Settings(clear_after=0))
    async with hub.engine.begin() as conn:
        await stores_db.set_state(conn, "shop", paused=False, paused_reason=None)
    await sweep(hub, Settings(clear_after=0))
    assert seen == [("opened", "store_paused", "shop", "open"), ("resolved", "store_paused", "shop", "auto")]
    await hub.aclose()


async def test_hook_on_webhook_refused(tmp_path, monkeypatch):
    """A forged delivery is refused with 401, stores nothing, and the hook hears it."""
    monkeypatch.setenv("T_HOOK_TOKEN", "t")
    monkeypatch.setenv("T_HOOK_SECRET", "s")
    import httpx

    from orderhub.web.app import create_app

    seen = []

    class Watch:
        @hookimpl
        def on_webhook_refused(self, store, code, error):
            seen.append((store, code))

    hub = make_hub(f"sqlite:///{tmp_path}/hub.db", [], plugin=Watch(),
                   stores={"shop": {"connector": "shopify", "base_url": "https://shop.example",
                                    "credentials": {"access_token": "env:T_HOOK_TOKEN",
                                                    "webhook_secret": "env:T_HOOK_SECRET"}}})
    hub.migrate()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(hub)), base_url="http://hub") as api:
        resp = await api.post("/webhooks/shop", content=b"{}", headers={"X-Shopify-Hmac-Sha256": "forged",
                                                                         "X-Shopify-Topic": "orders/create"})
    assert resp.status_code == 401 and seen == [("shop", "forged_webhook")]
    await hub.aclose()


def test_hook_order_links():
    class Pages:
        @hookimpl
        def order_links(self, order):
            return {"order_page": f"https://track.example.com/t/{order.id}"}

    hub = make_hub(UNUSED_DB, [], plugin=Pages())

    class Order:
        id = "ord_9"
    assert hub.order_links(Order()) == {"order_page": "https://track.example.com/t/ord_9"}


def test_hook_configure():
    from orderhub.config import parse_config
    from orderhub.hub import Hub

    seen = []

    class Configured:
        @hookimpl
        def configure(self, config):
            seen.append(config.plugins.get("mine"))

    Hub(parse_config({"plugins": {"mine": {"level": 3}}}), PluginManager(extra=(Configured(),)))
    assert seen == [{"level": 3}]


def _milestone_fixtures():
    from decimal import Decimal

    from orderhub.models import Customer, Order, Payment, Totals

    order = Order(store="shop", channel="test", external_id="1", number="#1001", created_at=datetime.now(UTC),
                  updated_at=datetime.now(UTC), currency="USD", customer=Customer(name="Ada", email="ada@example.com"),
                  line_items=[], totals=Totals(subtotal=Decimal("1"), total=Decimal("1")),
                  payment=Payment(status="paid"))
    shipment = Shipment(id="ord-s1", order_id=order.id, store="shop", carrier="ups", service="03",
                        tracking_number="1Z1", tracking_url="https://ups.test/1Z1")
    return order, shipment


def _notify_hub(smtp_port):
    from orderhub.config import parse_config
    from orderhub.hub import Hub

    return Hub(parse_config({"plugins": {"notify": {
        "smtp": {"host": "127.0.0.1", "port": smtp_port, "sender": "shop@example.com"},
        "templates": {"delivered": {"subject": "Order $order_number arrived", "body": "Via $carrier"}}}}}))


def test_hook_on_shipment_milestone():
    """The notify plugin queues one email per milestone it is configured for, with a stable key."""
    from orderhub.outbox.requests import Outbox

    hub = _notify_hub(25)
    order, shipment = _milestone_fixtures()
    outbox = Outbox()
    hub.plugins.hook.on_shipment_milestone(order=order, shipment=shipment, milestone="delivered", outbox=outbox)
    hub.plugins.hook.on_shipment_milestone(order=order, shipment=shipment, milestone="in_transit", outbox=outbox)
    (push,) = outbox.pushes  # in_transit is not a configured milestone
    assert push.key == "notify:ord-s1:delivered:email" and push.target == "plugin:notify"
    assert push.payload["subject"] == "Order #1001 arrived" and push.payload["to"] == "ada@example.com"


async def test_hook_deliver_push():
    """A push for ``plugin:notify`` is delivered by the plugin's deliver_push: the email reaches the
    SMTP server with the push key as its Message-ID seed."""
    from orderhub.outbox.delivery import PluginTarget
    from orderhub.sandbox.smtp import SmtpSink
    from orderhub.outbox.requests import Outbox

    sink = SmtpSink()
    sink.start()
    try:
        hub = _notify_hub(sink.port)
        order, shipment = _milestone_fixtures()
        outbox = Outbox()
        hub.plugins.hook.on_shipment_milestone(order=order, shipment=shipment, milestone="shipped", outbox=outbox)
        (push,) = outbox.pushes
        receipt = await PluginTarget(hub, "shop", push.target).deliver(push.kind, order, push.payload, key=push.key)
        assert receipt["channel"] == "email"
        (mail,) = sink.messages
        assert mail["key"] == push.key and "1Z1" in mail["body"] and mail["to"] == ["ada@example.com"]
        assert hub.plugins.hook.deliver_push(store="shop", target="plugin:other", kind="email", order=order,
                                             payload={}, key="k") is None
    finally:
        sink.stop()


def test_hook_register_migrations(tmp_path, db_url):
    """A plugin's own table arrives on its own Alembic branch, with the core's, on every start."""
    import sqlalchemy as sa

    from orderhub.db.engine import make_sync_engine

    versions = tmp_path / "things_migrations"
    versions.mkdir()
    (versions / "t0001.py").write_text(
        'import sqlalchemy as sa\nfrom alembic import op\n\nrevision = "things_0001"\ndown_revision = None\n'
        'branch_labels = ("things",)\ndepends_on = "0008"\n\n\ndef upgrade():\n'
        '    op.create_table("things_notes", sa.Column("id", sa.Integer, primary_key=True), sa.Column("text", sa.Text))\n'
        '\n\ndef downgrade():\n    op.drop_table("things_notes")\n')
    metadata = sa.MetaData()
    sa.Table("things_notes", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("text", sa.Text))

    class Things:
        @hookimpl
        def register_migrations(self, register):
            register(versions, metadata)

    hub = make_hub(db_url, [], plugin=Things())
    assert (str(versions), metadata) in hub.plugins.migrations()
    hub.migrate()
    hub.migrate()  # idempotent, like the core's
    eng = make_sync_engine(db_url)
    try:
        names = sa.inspect(eng).get_table_names()
        with eng.connect() as conn:
            heads = set(conn.execute(sa.text("SELECT version_num FROM orderhub_alembic_version")).scalars())
    finally:
        eng.dispose()
    assert "things_notes" in names and "validate_fingerprints" in names and "order_fingerprints" not in names
    assert {"things_0001", "validate_0001"} <= heads


def test_hook_demo_finished(tmp_path):
    """What each plugin shows at the end of ``orderhub demo``: its lines (returned, or awaited) under
    the summary, and its files beside the demo's data; the built-in reports plugin shows sales and
    the process and writes report.html."""
    from orderhub.cli.sync_cmd import _plugins_on_the_demo

    class Shows:
        @hookimpl
        def demo_finished(self, hub, folder):
            async def lines():
                (folder / "notes.txt").write_text("seen")
                return ["notes: 0 notes written"]
            return lines()

    hub = make_hub(f"sqlite:///{tmp_path}/hub.db", [], plugin=Shows())
    hub.migrate()
    lines = _plugins_on_the_demo(hub, tmp_path)
    assert "notes: 0 notes written" in lines and (tmp_path / "notes.txt").read_text() == "seen"
    assert any(line.startswith("sales, ") for line in lines) and (tmp_path / "report.html").exists()


async def test_hook_register_routes(tmp_path, monkeypatch):
    """A plugin's admin route: served by the worker, behind the admin token like every /api/ route."""
    import httpx
    from fastapi import APIRouter

    from orderhub.web.app import create_app

    class Notes:
        @hookimpl
        def register_routes(self, app, hub):
            router = APIRouter()

            @router.get("/count")
            async def count() -> dict:
                async with hub.reading() as data:
                    return {"skus": sorted(await data.known_skus({"A", "B"}))}
            app.include_router(router, prefix="/api/v1/notes", tags=["notes"])

    monkeypatch.setenv("T_NOTES_TOKEN", "tok")
    hub = make_hub(f"sqlite:///{tmp_path}/hub.db", [], plugin=Notes())
    hub.config.server.admin_token = "env:T_NOTES_TOKEN"
    hub.migrate()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(hub)), base_url="http://hub") as api:
        assert (await api.get("/api/v1/notes/count")).status_code == 401
        ok = await api.get("/api/v1/notes/count", headers={"Authorization": "Bearer tok"})
        assert ok.status_code == 200 and ok.json() == {"skus": []}
        assert "/api/v1/notes/count" in (await api.get("/openapi.json")).json()["paths"]
    await hub.aclose()


async def test_hook_register_schedules(tmp_path):
    """A plugin's periodic job runs as a DBOS scheduled workflow while the runtime is up, once per
    tick, with the tick's time."""
    import asyncio

    from orderhub.runtime.process import Runtime

    ticks: list = []

    async def job(hub, scheduled_at):
        async with hub.reading() as data:  # a job reads (and writes) through the same API as steps
            await data.known_skus({"X"})
        ticks.append(scheduled_at)

    class Job:
        @hookimpl
        def register_schedules(self, register):
            register("every_second", "* * * * * *", job)

    rt = Runtime(make_hub(f"sqlite:///{tmp_path}/hub.db", [], plugin=Job()), schedules=True)  # as the daemon
    await rt.start()
    try:
        for _ in range(80):
            if len(ticks) >= 2:
                break
            await asyncio.sleep(0.1)
    finally:
        await rt.stop()
    assert len(ticks) >= 2, ticks
    assert len(set(ticks)) == len(ticks)  # each tick once (two ticks may finish out of order)


def test_every_event_hook_has_a_typed_notice_with_its_exact_arguments():
    """A notice carries exactly its hook's arguments: a producer cannot misspell either."""
    import dataclasses

    from orderhub import hookspecs, notices

    kinds = [c for c in vars(notices).values() if isinstance(c, type) and issubclass(c, notices.Notice)
             and c is not notices.Notice]
    for cls in kinds:
        spec = inspect.signature(getattr(hookspecs, cls.hook))
        assert [f.name for f in dataclasses.fields(cls)] == list(spec.parameters), cls.__name__
    events = {n for n, _ in gen.hooks() if n.startswith("on_") and n != "on_shipment_milestone"}
    assert events == {c.hook for c in kinds}


def test_hook_register_emulators(tmp_path):
    """A plugin's emulator is served by the sandbox beside the built-in ones, under /<kind>/<name>,
    and writes the store table pointing at itself."""
    from dataclasses import dataclass

    import httpx

    from orderhub.sandbox import Sandbox, Shop
    from orderhub.sandbox.server import Response

    @dataclass
    class TinyShop(Shop):
        kind = "tinyshop"
        prefix = "tiny"

        def order(self, i):
            return {"id": f"T{i}", "updated": f"{i:06d}"}

        def updated_key(self, order):
            return order["updated"]

        def external_id(self, i):
            return f"T{i}"

        def authenticate(self, req):
            return None

        async def route(self, req, path):
            return Response.json({"orders": [self.order(i) for _, i in self.index()]})

        def store_config(self, base_url, secret):
            return {"connector": "tinyshop", "base_url": base_url, "credentials": {"key": secret("tiny.key", "k")}}

    class Emulators:
        @hookimpl
        def register_emulators(self, register):
            register(TinyShop)

    plugins = PluginManager(extra=(Emulators(),))  # the installed plugins and this one
    with Sandbox(shopify=1, woocommerce=0, shops={"tinyshop": 2}, orders=3, carriers=False, plugins=plugins) as sb:
        assert sorted(sb.shops) == ["shop1", "tiny1", "tiny2"]
        body = httpx.get(sb.base_url("tiny2") + "/orders").json()
        assert [o["id"] for o in body["orders"]] == ["T0", "T1", "T2"]
        table = sb.store_configs(tmp_path)["tiny1"]
        assert table["base_url"].endswith("/tinyshop/tiny1") and table["credentials"]["key"].startswith("file:")
    with pytest.raises(ValueError, match="no 'nothing' shop emulator is installed"):
        Sandbox(shops={"nothing": 1}, plugins=plugins)


async def test_hook_register_reports(tmp_path):
    """A plugin's report is made, rendered and listed like the built-in ones."""
    from datetime import date

    from orderhub.extend import Report, ReportParams, ReportTable
    from orderhub_plugins.reports import service

    class Notes:
        @hookimpl
        def register_reports(self, register):
            async def notes(conn, params, hub):
                return Report("notes", "Notes", params, [ReportTable("rows", "Notes", ["n"], [{"n": 1}])])
            register("notes", notes)

    hub = make_hub(f"sqlite:///{tmp_path}/hub.db", [], plugin=Notes())
    hub.migrate()
    assert service.names()[:5] == ["sales", "process", "operators", "carriers", "stock"]
    assert "notes" in service.names() and "feedback" in service.names()
    made = await service.make(hub, "notes", ReportParams(date(2026, 12, 1), date(2026, 12, 1)))
    assert made.as_json()["rows"] == [{"n": 1}]
    await hub.aclose()


async def test_hook_register_store_tasks(tmp_path):
    """A plugin's per-store task runs in the store's sync workflow, after its pushes; one that
    fails is logged and the sync completes."""
    import json as _json

    from orderhub.runtime.process import Runtime

    ran = []

    class Tasks:
        @hookimpl
        def register_store_tasks(self, register):
            async def count(hub, store):
                ran.append(store)
                return {"seen": 1}

            async def broken(hub, store):
                raise RuntimeError("boom")
            register("count", count)
            register("broken", broken)

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "o.json").write_text(_json.dumps([]))
    hub = make_hub(f"sqlite:///{tmp_path}/hub.db", [], plugin=Tasks(),
                   stores={"shop": {"connector": "files", "path": str(inbox), "chain": []}})
    hub.migrate()
    assert set(hub.plugins.store_tasks()) >= {"count", "broken"}
    rt = Runtime(hub)
    await rt.start()
    try:
        result = (await rt.sync_once(["shop"]))["shop"]
    finally:
        await rt.stop()
    assert ran == ["shop"] and result["result"] == "complete" and result["tasks"]["count"] == {"seen": 1}


async def test_hook_order_timeline(tmp_path):
    """A plugin's entries about an order join its timeline, oldest first; one that fails is left out."""
    class Notes:
        @hookimpl
        def order_timeline(self, conn, order_id):
            async def entries():
                return [{"at": datetime(2026, 12, 2, tzinfo=UTC), "kind": "note", "text": f"second on {order_id}"},
                        {"at": datetime(2026, 12, 1, tzinfo=UTC), "kind": "note", "text": "first"}]
            return entries()

    class Broken:
        @hookimpl
        def order_timeline(self, conn, order_id):
            raise RuntimeError("boom")

    hub = make_hub(f"sqlite:///{tmp_path}/hub.db", [], plugin=Notes())
    hub.plugins.pm.register(Broken(), name="broken")
    hub.migrate()
    async with hub.engine.connect() as conn:
        got = await hub.plugin_timeline(conn, "ord_1")
    mine = [e["text"] for e in got if e["kind"] == "note"]
    assert mine == ["first", "second on ord_1"]
    await hub.aclose()


async def test_hook_order_details(tmp_path, make_ingested):
    """A plugin's sections join an order's view (orders show, the API) beside the core's own keys,
    which no plugin can replace; one that fails is left out."""
    from orderhub.db import orders as order_store
    from orderhub.ops.actions import order_view

    class Sections:
        @hookimpl
        def order_details(self, conn, order_id):
            async def sections():
                return {"fraud_check": {"score": 12, "summary": f"checked {order_id}"}, "events": "not mine"}
            return sections()

    class Broken:
        @hookimpl
        def order_details(self, conn, order_id):
            raise RuntimeError("boom")

    hub = make_hub(f"sqlite:///{tmp_path}/hub.db", [], plugin=Sections())
    hub.plugins.pm.register(Broken(), name="broken")
    hub.migrate()
    async with hub.engine.begin() as conn:
        (oid,) = (await order_store.upsert_orders(conn, [make_ingested("D-1")])).inserted
    doc = await order_view(hub, oid)
    assert doc["fraud_check"] == {"score": 12, "summary": f"checked {oid}"}
    assert isinstance(doc["events"], list) and doc["events"][0]["kind"] == "received"
    assert await order_view(hub, "no-such-order") is None
    await hub.aclose()


async def test_hook_plugin_gauges(tmp_path):
    """A plugin's gauges are read from the database at each refresh and served on /metrics."""
    class Gauges:
        @hookimpl
        def plugin_gauges(self, conn):
            return [{"name": "orderhub_test_things", "help": "Things", "labels": {"kind": "a"}, "value": 3},
                    {"name": "orderhub_test_things", "help": "Things", "labels": {"kind": "b"}, "value": 4}]

    hub = make_hub(f"sqlite:///{tmp_path}/hub.db", [], plugin=Gauges())
    hub.migrate()
    await hub.metrics.refresh()
    text = hub.metrics.render().decode()
    assert 'orderhub_test_things{kind="a"} 3.0' in text and 'orderhub_test_things{kind="b"} 4.0' in text
    assert 'orderhub_feedback_open{priority="urgent"} 0.0' in text  # the feedback plugin's
    await hub.aclose()
