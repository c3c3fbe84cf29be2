"""The reports over the admin API, and the daemon's daily report (issue #17)."""

import json
from datetime import UTC, datetime

import httpx
import pytest

from orderhub.errors import ConfigError
from orderhub.web.app import create_app
from orderhub_plugins.reports import daily
from tests.helpers import make_hub
from tests.plugins.reports.test_sales import generate


def _hub(tmp_path, monkeypatch, reports: dict | None = None):
    inbox = tmp_path / "inbox"
    inbox.mkdir(exist_ok=True)
    (inbox / "orders.json").write_text(json.dumps(generate(40)))
    monkeypatch.setenv("T_REPORTS_TOKEN", "tok")
    hub = make_hub(f"sqlite:///{tmp_path}/hub.db", [],
                   stores={"shop": {"connector": "files", "path": str(inbox), "chain": []}})
    hub.config.server.admin_token = "env:T_REPORTS_TOKEN"
    hub.config.plugins["reports"] = reports or {}
    hub.migrate()
    return hub


async def _ingest(hub) -> None:
    from orderhub.intake.ingest import ingest_page

    connector = hub.connector("shop")
    page = await connector.fetch_orders(None)
    async with hub.engine.begin() as conn:
        await ingest_page(conn, connector, page)


async def test_the_api_serves_every_report_as_json_and_html(tmp_path, monkeypatch):
    hub = _hub(tmp_path, monkeypatch)
    await _ingest(hub)
    auth = {"Authorization": "Bearer tok"}
    query = {"from": "2026-10-31", "to": "2026-11-06", "tz": "America/New_York"}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(hub)), base_url="http://hub") as api:
        assert (await api.get("/api/v1/reports/sales", params=query)).status_code == 401
        sales = (await api.get("/api/v1/reports/sales", params=query, headers=auth)).json()
        assert sales["report"] == "sales" and sum(r["orders"] for r in sales["rows"]) == 40
        for name in ("process", "operators", "carriers", "stock"):
            got = await api.get(f"/api/v1/reports/{name}", params=query, headers=auth)
            assert got.status_code == 200 and got.json()["report"] == name
        page = await api.get("/api/v1/reports/sales", params={**query, "format": "html"}, headers=auth)
        assert page.headers["content-type"].startswith("text/html") and "<svg" in page.text
        missing = await api.get("/api/v1/reports/nosuch", headers=auth)
        assert missing.status_code == 404 and "the reports are: sales" in missing.json()["detail"]
        wrong = await api.get("/api/v1/reports/sales", params={"by": "year"}, headers=auth)
        assert wrong.status_code == 422 and "--by must be one of" in wrong.json()["detail"]
        assert "/api/v1/reports/{name}" in (await api.get("/openapi.json")).json()["paths"]
    await hub.aclose()


async def test_the_daily_report_is_written_to_its_folder(tmp_path, monkeypatch):
    out = tmp_path / "daily"
    hub = _hub(tmp_path, monkeypatch, {"daily": ["sales", "process"], "to": f"file:{out}"})
    await _ingest(hub)
    await daily.daily_job(hub, datetime(2026, 11, 4, 6, 0, tzinfo=UTC))
    page = (out / "report-2026-11-03.html").read_text()
    assert "orderhub daily report, 2026-11-03" in page and page.count("<svg") == 2
    await hub.aclose()


def test_daily_reports_need_somewhere_to_go(tmp_path, monkeypatch):
    for table, words in (({"daily": ["sales"]}, "daily reports need 'to'"),
                         ({"daily": ["sales"], "to": "ops@example.com"}, "needs 'smtp'"),
                         ({"daily": ["weekly"], "to": "file:/tmp/x"}, "no report named weekly"),
                         ({"ship_within": "soon"}, "ship_within")):
        with pytest.raises(ConfigError) as exc:
            make_hub(f"sqlite:///{tmp_path}/hub.db", [], stores={"shop": {"connector": "files", "path": "/x"}}) \
                .plugins.hook.configure(config=_config(table), hub=None)
        assert words in str(exc.value), (table, str(exc.value))


def _config(reports: dict):
    from orderhub.config import parse_config

    return parse_config({"plugins": {"reports": reports}})


async def test_the_daily_report_is_mailed_as_html(tmp_path, monkeypatch):
    """With an address in ``to``, the daily page goes out by SMTP as the HTML part of one message
    (here to the sandbox's SMTP sink), a plain-text part saying where it is."""
    from orderhub.sandbox.smtp import SmtpSink

    sink = SmtpSink()
    port = sink.start()
    try:
        hub = _hub(tmp_path, monkeypatch, {"daily": ["sales"], "to": "ops@example.com",
                                           "smtp": {"host": "127.0.0.1", "port": port, "sender": "hub@example.com"}})
        await _ingest(hub)
        await daily.daily_job(hub, datetime(2026, 11, 4, 6, 0, tzinfo=UTC))
        await hub.aclose()
    finally:
        sink.stop()
    (mail,) = sink.messages
    assert mail["to"] == ["ops@example.com"] and mail["subject"] == "orderhub daily report, 2026-11-03"
    assert "HTML part" in mail["body"] and "<svg" in mail["html"] and "Sales by period and currency" in mail["html"]
