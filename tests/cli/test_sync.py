"""`orderhub sync --once` with the files connector, end to end in a subprocess (issue #2's 'done when')."""

import asyncio
import json
import re
import os
from pathlib import Path

import orjson
import pytest

from orderhub.config import load_config
from orderhub.db import orders as order_db
from orderhub.db import review
from orderhub.ops.demo import write_json_orders
from orderhub.hub import Hub
from orderhub.models import Order

pytestmark = pytest.mark.slow

CONFIG = """\
[database]
url = "{url}"
[runtime]
executor_id = "test-1"
[logging]
level = "warning"
[stores.shop]
connector = "files"
path = "inbox"
outbox = "outbox"
chain = [{{ step = "hold_rules", review_tags = ["vip"] }}]
"""


def setup(tmp_path: Path, url: str, count: int, malformed: int) -> tuple[Path, list[str]]:
    broken = write_json_orders(tmp_path / "inbox", count, malformed=malformed)
    cfg = tmp_path / "orderhub.toml"
    cfg.write_text(CONFIG.format(url=url))
    return cfg, broken


def sync(cli, cfg):
    res = cli("sync", "--once", "--json", "-c", str(cfg))
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)[0]


def test_thousand_orders_ten_malformed_then_rerun_then_edit(tmp_path, cli, orderhub, db_url):
    cfg, broken = setup(tmp_path, db_url, 1000, 10)
    first = sync(cli, cfg)
    assert (first["inserted"], first["quarantined"], first["result"]) == (990, 10, "complete")
    assert first["completed"] + first["held"] == 990 and first["held"] == 20  # every 50th order is tagged vip

    q = json.loads(orderhub("quarantine", "list", "--json", "-c", str(cfg)).stdout)
    assert sorted(r["location"] for r in q) == sorted(f"order-{ext}.json" for ext in broken)
    fields = {r["location"]: r["error"] for r in q}
    named = [e for e in fields.values() if any(f in e for f in ("currency", "unit_price", "not valid JSON"))]
    assert len(named) == 10, fields

    second = sync(cli, cfg)
    assert (second["inserted"], second["updated"], second["quarantined"], second["completed"]) == (0, 0, 0, 0)

    target = tmp_path / "inbox" / "order-J1003.json"
    doc = orjson.loads(target.read_bytes())
    doc["customer"]["email"] = "changed@example.com"
    target.write_bytes(orjson.dumps(doc))
    st = target.stat()
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns + 10_000_000_000))
    third = sync(cli, cfg)
    assert (third["inserted"], third["updated"]) == (0, 1)
    shown = json.loads(orderhub("orders", "show", "shop:J1003", "--json", "-c", str(cfg)).stdout)
    assert [v["version"] for v in shown["versions"]] == [1, 2]
    assert [e["kind"] for e in shown["events"]].count("updated") == 1


def test_review_and_quarantine_from_the_cli(tmp_path, cli, orderhub, sqlite_url):
    cfg, broken = setup(tmp_path, sqlite_url, 60, 1)
    sync(cli, cfg)
    held = json.loads(orderhub("review", "list", "--json", "-c", str(cfg)).stdout)
    assert [r["codes"] for r in held] == [["tag_requires_review"]] * 2
    first, second = held[0]["order_id"], held[1]["order_id"]

    ok = orderhub("review", "approve", first, "--operator", "maria", "--reason", "known customer", "-c", str(cfg))
    assert ok.returncode == 0, ok.stderr
    no = orderhub("review", "reject", second, "--operator", "maria", "--reason", "fraud", "-c", str(cfg))
    assert no.returncode == 0, no.stderr
    again = orderhub("review", "reject", second, "--operator", "maria", "-c", str(cfg))
    assert again.returncode == 1 and "no open review" in again.stderr

    after = sync(cli, cfg)
    assert after["completed"] == 1 and after["pushed"] == 1  # the approved order finished, the cancellation went out
    outbox = list((tmp_path / "outbox").iterdir())
    assert [f.name for f in outbox] == [f"{second}_cancel.json"]
    shown = json.loads(orderhub("orders", "show", second, "--json", "-c", str(cfg)).stdout)
    assert shown["order"]["status"] == "cancelled"
    assert [p["status"] for p in shown["pushes"]] == ["delivered"]
    reject_event = [e for e in shown["events"] if e["to_status"] == "cancelled"][0]
    assert (reject_event["actor"], reject_event["reason"]) == ("operator:maria", "fraud")

    (qrow,) = json.loads(orderhub("quarantine", "list", "--json", "-c", str(cfg)).stdout)
    assert orderhub("quarantine", "replay", str(qrow["id"]), "-c", str(cfg)).returncode == 1  # still broken
    # the bulk path, by error code and time: the same record, still broken; another code selects nothing
    code = qrow["error_code"]
    assert json.loads(orderhub("quarantine", "list", "--error-code", "no_such_code", "--json", "-c", str(cfg)).stdout) == []
    bulk = orderhub("quarantine", "replay", "--store", "shop", "--error-code", code, "--since", "2020-01-01", "--json",
                    "-c", str(cfg))
    assert bulk.returncode == 1 and [r["id"] for r in json.loads(bulk.stdout)] == [qrow["id"]]
    both = orderhub("quarantine", "replay", str(qrow["id"]), "--error-code", code, "-c", str(cfg))
    assert both.returncode == 2 and "not both" in both.stderr
    dropped = orderhub("quarantine", "drop", str(qrow["id"]), "--operator", "maria", "--reason", "test data", "-c", str(cfg))
    assert dropped.returncode == 0
    assert json.loads(orderhub("quarantine", "list", "--json", "-c", str(cfg)).stdout) == []


def test_check_init_schema_and_plugins(tmp_path, cli, orderhub):
    assert orderhub("init", str(tmp_path / "orderhub.toml")).returncode == 0
    ok = orderhub("check", "-c", str(tmp_path / "orderhub.toml"))
    assert ok.returncode == 0 and "config OK" in ok.stdout
    bad = tmp_path / "bad.toml"
    bad.write_text('[stores.s]\nconnector = "files"\npath = "x"\npoll_interval = "often"\n')
    res = orderhub("check", "-c", str(bad))
    assert res.returncode == 2 and "stores.s.poll_interval" in res.stderr
    bad.write_text('[stores.s]\nconnector = "nope"\n')
    res = orderhub("check", "-c", str(bad))
    assert res.returncode == 2 and "stores.s.connector: unknown connector 'nope'" in res.stderr
    schema = json.loads(orderhub("schema", "order").stdout)
    assert schema["title"] == "Order"
    plugins = json.loads(orderhub("plugins", "--json").stdout)
    assert {"files", "forward", "hold_rules"} <= {p["name"] for p in plugins["plugins"]}
    assert plugins["connectors"] == ["files"] or "files" in plugins["connectors"]
    usage = cli("sync", "-c", str(tmp_path / "orderhub.toml"))
    assert usage.returncode == 2


def test_pause_resume_and_retry_dead_pushes(tmp_path, cli, orderhub, sqlite_url):
    cfg, _ = setup(tmp_path, sqlite_url, 3, 0)
    cfg.write_text(cfg.read_text().replace('outbox = "outbox"\n', ""))  # cancellations cannot be written yet
    sync(cli, cfg)
    assert orderhub("stores", "pause", "shop", "--reason", "maintenance", "-c", str(cfg)).returncode == 0
    paused = cli("sync", "--once", "--json", "-c", str(cfg))
    assert paused.returncode == 1 and json.loads(paused.stdout)[0]["result"] == "paused"
    listed = json.loads(orderhub("stores", "list", "--json", "-c", str(cfg)).stdout)
    assert (listed[0]["paused"], listed[0]["paused_reason"]) == (True, "maintenance")
    assert orderhub("stores", "resume", "shop", "-c", str(cfg)).returncode == 0
    assert orderhub("stores", "pause", "nope", "-c", str(cfg)).returncode == 2

    orders = json.loads(orderhub("orders", "list", "--json", "-c", str(cfg)).stdout)
    # hold and reject one order by hand: its cancellation push has nowhere to go and goes dead
    async def hold_one():
        hub = Hub(load_config(cfg))
        async with hub.engine.begin() as conn:
            o = Order.model_validate((await order_db.load_order(conn, orders[0]["id"]))["data"])
            await review.hold(conn, o, step="manual", step_index=0, reasons=[{"code": "x", "message": "x"}], notices=[])
        await hub.aclose()
    asyncio.run(hold_one())
    assert orderhub("review", "reject", orders[0]["id"], "--operator", "maria", "-c", str(cfg)).returncode == 0
    sync(cli, cfg)
    dead = json.loads(orderhub("pushes", "list", "--status", "dead", "--json", "-c", str(cfg)).stdout)
    assert [d["kind"] for d in dead] == ["cancel"] and "outbox" in dead[0]["last_error"]
    cfg.write_text(cfg.read_text().replace('path = "inbox"\n', 'path = "inbox"\noutbox = "outbox"\n'))
    assert "0 push(es)" in orderhub("pushes", "retry", "--target", "plugin:nothing", "-c", str(cfg)).stdout
    retried = orderhub("pushes", "retry", "--target", "channel", "--kind", "cancel", "--since", "2020-01-01",
                       "-c", str(cfg))
    assert retried.returncode == 0 and "1 push(es) queued again" in retried.stdout
    assert sync(cli, cfg)["pushed"] == 1
    assert (tmp_path / "outbox" / f"{orders[0]['id']}_cancel.json").exists()


def test_demo_is_the_main_job(tmp_path, cli):
    """The README's main job: sandbox shops and a CSV folder synced into SQLite, with a summary."""
    res = cli("demo", "--orders", "120", "--folder", str(tmp_path / "demo"), "--json", timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    out = json.loads(res.stdout)
    stores = {r["store"]: r for r in out["sync"]}
    assert set(stores) == {"shop1", "shop2", "woo1", "pos-export"}
    assert all(r["result"] == "complete" for r in stores.values())
    total = sum(r["n"] for r in out["summary"]["orders"])
    quarantined = sum(r["n"] for r in out["summary"]["quarantine"])
    assert total + quarantined == 4 * 120
    assert (tmp_path / "demo" / "orderhub.db").exists()
    # the reports plugin's part (issue #17): a sales and process summary, every report in one page
    assert any(line.startswith("sales, ") and "orders" in line for line in out["plugins"]), out["plugins"]
    assert any(line.startswith("process: first-pass yield 0.") for line in out["plugins"]), out["plugins"]
    page = (tmp_path / "demo" / "report.html").read_text()
    assert page.count("<svg") == 8 and "Sales by period and currency" in page  # five built-in, feedback, risk, incidents
    # the feedback plugin's part (issue #18): the sandbox WooCommerce shop's reviews pulled and queued
    assert any(line.startswith("feedback: ") and "woo1" in line for line in out["plugins"]), out["plugins"]
    assert "Feedback per week, by category" in page

    # the operator's first moves on what the chain held: approve one and reject one of every hold
    # reason, let the chain go on, and the stored state is still sound (issue #13's "done when")
    cfg = str(tmp_path / "demo" / "orderhub.toml")
    held = json.loads(cli("review", "list", "--limit", "5000", "--json", "-c", cfg).stdout)
    by_code: dict[str, list[str]] = {}
    for r in held:
        by_code.setdefault(r["codes"][0], []).append(r["order_id"])
    assert len(by_code) >= 3, by_code.keys()
    decided: dict[str, str] = {}
    for code, ids in by_code.items():
        decided[ids[0]] = "approve"
        if len(ids) > 1:
            decided[ids[1]] = "reject"
    for decision in ("approve", "reject"):  # one call each: the CLI takes several orders at once
        ids = [oid for oid, d in decided.items() if d == decision]
        res = cli("review", decision, *ids, "--operator", "ops1", "--reason", "sample", "-c", cfg)
        assert res.returncode == 0, res.stderr
    cli("sync", "--once", "-c", cfg)  # the sandbox is gone: pulls end partial, the held chain still goes on
    after = {r["order_id"] for r in json.loads(cli("review", "list", "--limit", "5000", "--json", "-c", cfg).stdout)}
    statuses = {o["id"]: o["status"] for o in json.loads(cli("orders", "list", "--limit", "5000", "--json",
                                                             "-c", cfg).stdout)}
    for oid, decision in decided.items():
        status = statuses[oid]
        if decision == "reject":
            assert status == "cancelled", (oid, status)
        else:  # approved: past the step that held it (a later step may hold it again, for its own reason)
            assert status != "cancelled" and (oid not in after or status == "on_hold"), (oid, status)
    doctor = cli("doctor", "-c", cfg)
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr


def test_the_demo_says_how_far_it_got_and_where_the_daemon_listened(tmp_path, cli):
    res = cli("demo", "--orders", "30", "--folder", str(tmp_path / "demo"), timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    assert re.search(r"the daemon listened on http://127\.0\.0\.1:\d+ ", res.stdout), res.stdout
    assert "on_hold, by reason" in res.stdout and "held (review)" not in res.stdout
    assert "sales, " in res.stdout and "report.html" in res.stdout
    assert re.search(r"orderhub run: syncing 4 stores: \d+ orders stored, \d+ held for review", res.stderr) or \
        "orders stored" not in res.stderr  # a progress line every 5 s: a fast demo may finish before the first


def test_status_shows_state_lag_and_waiting_work(tmp_path, cli, orderhub, sqlite_url):
    cfg, _ = setup(tmp_path, sqlite_url, 20, 0)
    sync(cli, cfg)
    (row,) = json.loads(orderhub("status", "--json", "-c", str(cfg)).stdout)
    assert (row["store"], row["state"], row["worker"], row["orders"], row["chain_waiting"]) == (
        "shop", "complete", None, 20, 0)
    assert row["cursor_lag_s"] >= 0


def test_an_order_validate_held_is_approved_from_the_cli_and_reserved(tmp_path, cli, orderhub, sqlite_url):
    """The first-hour report: a files store with ``validate`` and ``reserve``, one order with an
    invalid email; approved from the CLI, the next sync validates and reserves it."""
    write_json_orders(tmp_path / "inbox", 3, malformed=0)
    target = tmp_path / "inbox" / "order-J1001.json"
    doc = orjson.loads(target.read_bytes())
    doc["customer"]["email"] = "not-an-email"
    target.write_bytes(orjson.dumps(doc))
    cfg = tmp_path / "orderhub.toml"
    cfg.write_text(CONFIG.format(url=sqlite_url).replace(
        'chain = [{ step = "hold_rules", review_tags = ["vip"] }]',
        'chain = [{ step = "validate", require_catalog = false, check_duplicates = false }, "reserve"]\n'
        'reserve_policy = "backorder"'))
    sync(cli, cfg)
    (held,) = json.loads(orderhub("review", "list", "--json", "-c", str(cfg)).stdout)
    assert held["codes"] == ["invalid_email"]
    ok = orderhub("review", "approve", held["order_id"], "--operator", "ops1", "--reason", "called", "-c", str(cfg))
    assert ok.returncode == 0 and "resumes at validate on the store's next sync" in ok.stdout, ok.stdout
    sync(cli, cfg)
    shown = json.loads(orderhub("orders", "show", held["order_id"], "--json", "-c", str(cfg)).stdout)
    assert shown["order"]["status"] == "reserved"
    assert json.loads(orderhub("review", "list", "--json", "-c", str(cfg)).stdout) == []


def test_check_names_a_config_path_that_is_a_directory_or_not_text(tmp_path, cli, orderhub):
    for path, said in ((tmp_path, "is a directory"), (Path("/bin/ls"), "not a text file")):
        res = orderhub("check", "-c", str(path))
        assert res.returncode == 2 and said in res.stderr + res.stdout and "Traceback" not in res.stderr, res.stderr


def test_list_filters_are_checked_against_what_exists(tmp_path, cli, orderhub, sqlite_url):
    cfg, _ = setup(tmp_path, sqlite_url, 3, 0)
    for args, said in ((("orders", "list", "--status", "bogus"), "bogus"),
                       (("orders", "list", "--store", "nope"), "unknown store 'nope'"),
                       (("orders", "list", "--limit", "-1"), "limit"),
                       (("review", "list", "--store", "nope"), "unknown store 'nope'"),
                       (("review", "list", "--limit", "0"), "limit")):
        res = cli(*args, "-c", str(cfg))
        assert res.returncode == 2 and said in res.stderr + res.stdout and "Traceback" not in res.stderr, (args, res)
    assert orderhub("orders", "list", "--status", "received", "--store", "shop", "-c", str(cfg)).returncode == 0


def test_a_corrected_file_closes_its_quarantine_entry(tmp_path, cli, orderhub, sqlite_url):
    cfg, broken = setup(tmp_path, sqlite_url, 5, 1)
    sync(cli, cfg)
    (qrow,) = json.loads(orderhub("quarantine", "list", "--json", "-c", str(cfg)).stdout)
    good = next(p for p in (tmp_path / "inbox").iterdir() if p.name != qrow["location"])
    doc = orjson.loads(good.read_bytes())
    doc["external_id"] = qrow["external_id"] or broken[0]
    doc["number"] = f"#{doc['external_id']}"
    fixed = tmp_path / "inbox" / qrow["location"]
    fixed.write_bytes(orjson.dumps(doc))
    st = fixed.stat()
    os.utime(fixed, ns=(st.st_atime_ns, st.st_mtime_ns + 10_000_000_000))
    assert sync(cli, cfg)["inserted"] == 1
    assert json.loads(orderhub("quarantine", "list", "--json", "-c", str(cfg)).stdout) == []


def test_the_daemon_says_the_port_it_listens_on(tmp_path, cli, sqlite_url):
    cfg, _ = setup(tmp_path, sqlite_url, 1, 0)
    cfg.write_text(cfg.read_text().replace('level = "warning"', 'level = "info"\nformat = "json"'))
    res = cli("run", "--port", "0", "--for", "1s", "-c", str(cfg))
    assert res.returncode == 0, res.stderr
    (started,) = [json.loads(line) for line in (res.stdout + res.stderr).splitlines()
                  if '"daemon_started"' in line]
    assert started["port"] > 0 and started["url"].endswith(f":{started['port']}")


def test_the_demo_never_deletes_a_folder_it_did_not_write(tmp_path, cli):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    for extra in ((), ("--force",)):
        res = cli("demo", "--folder", str(mine), *extra)
        assert res.returncode == 2 and "not written by the demo" in res.stderr + res.stdout
    assert (mine / "notes.txt").read_text() == "keep me"
    earlier = tmp_path / "earlier"
    earlier.mkdir()
    (earlier / ".orderhub-demo").write_text("")
    (earlier / "orderhub.db").write_text("decisions")
    res = cli("demo", "--folder", str(earlier))
    assert res.returncode == 2 and "--force" in res.stderr + res.stdout
    assert (earlier / "orderhub.db").read_text() == "decisions"


def test_a_push_the_config_stops_pauses_the_store_and_keeps_the_push(tmp_path, cli, orderhub, sqlite_url, monkeypatch):
    """The first-hour report: with a ``forward`` token's variable unset every push went dead while
    the sync said ``complete``. Now ``sync`` refuses to start naming the variable; and a config
    error met while delivering (here: the step that queued the pushes was taken out of the chain)
    stops the store, as the README says, with the pushes kept until the config is fixed."""
    from http.server import BaseHTTPRequestHandler, HTTPServer
    import threading

    got: list[str] = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            self.rfile.read(int(self.headers["Content-Length"]))
            got.append(self.headers.get("Authorization", ""))
            self.send_response(200 if len(got) > 2 else 503)
            self.send_header("Retry-After", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        write_json_orders(tmp_path / "inbox", 2, malformed=0)
        cfg = tmp_path / "orderhub.toml"
        forward = (f'{{ step = "forward", url = "http://127.0.0.1:{server.server_port}/o", '
                   'bearer_token = "env:ERP_TOKEN_FIRST_HOUR" }')
        with_forward = CONFIG.format(url=sqlite_url).replace(
            'chain = [{ step = "hold_rules", review_tags = ["vip"] }]', f"chain = [{forward}]")
        cfg.write_text(with_forward)
        monkeypatch.delenv("ERP_TOKEN_FIRST_HOUR", raising=False)
        refused = cli("sync", "--once", "-c", str(cfg))
        assert refused.returncode == 2, refused.stdout + refused.stderr
        assert "stores.shop.chain[0].bearer_token: environment variable ERP_TOKEN_FIRST_HOUR is not set" in refused.stderr

        monkeypatch.setenv("ERP_TOKEN_FIRST_HOUR", "s3cret")
        res = cli("sync", "--once", "--json", "-c", str(cfg))  # the receiver answers 503 twice: pushes wait
        assert [p["status"] for p in json.loads(orderhub("pushes", "list", "--json", "-c", str(cfg)).stdout)] == [
            "pending", "pending"], res.stdout + res.stderr

        cfg.write_text(with_forward.replace(f"chain = [{forward}]", "chain = []"))
        res = cli("sync", "--once", "--json", "-c", str(cfg))
        (row,) = json.loads(res.stdout)
        assert row["result"] == "paused" and "step not in the chain" in row["error"], row
        waiting = json.loads(orderhub("pushes", "list", "--json", "-c", str(cfg)).stdout)
        assert [p["status"] for p in waiting] == ["pending", "pending"], waiting
        (state,) = json.loads(orderhub("stores", "list", "--json", "-c", str(cfg)).stdout)
        assert state["paused"], state

        cfg.write_text(with_forward)
        assert orderhub("stores", "resume", "shop", "-c", str(cfg)).returncode == 0
        assert sync(cli, cfg)["result"] == "complete"
        assert [p["status"] for p in json.loads(orderhub("pushes", "list", "--json", "-c", str(cfg)).stdout)] == [
            "delivered", "delivered"]
        assert got[-2:] == ["Bearer s3cret", "Bearer s3cret"]
    finally:
        server.shutdown()


def test_review_lists_page_filter_and_decide_in_bulk_by_reason_code(tmp_path, cli, orderhub, sqlite_url):
    """The first-hour report: ``review list`` showed 100 of 946 with no hint that more existed, and
    there was no bulk decision, no ``--offset``, no search by date or customer."""
    write_json_orders(tmp_path / "inbox", 150, malformed=0)
    for ext in ("J1001", "J1002"):
        target = tmp_path / "inbox" / f"order-{ext}.json"
        doc = orjson.loads(target.read_bytes())
        doc["customer"]["email"] = f"broken-{ext}@@example"
        target.write_bytes(orjson.dumps(doc))
    cfg = tmp_path / "orderhub.toml"
    cfg.write_text(CONFIG.format(url=sqlite_url).replace(
        'chain = [{ step = "hold_rules", review_tags = ["vip"] }]',
        'chain = [{ step = "validate", require_catalog = false, check_duplicates = false },'
        ' { step = "hold_rules", review_tags = ["vip"] }]\nreserve_policy = "backorder"'))
    sync(cli, cfg)
    held = json.loads(orderhub("review", "list", "--json", "-c", str(cfg)).stdout)
    codes = sorted(c for r in held for c in r["codes"])
    assert codes == ["invalid_email", "invalid_email", "tag_requires_review", "tag_requires_review",
                     "tag_requires_review"], codes

    page = orderhub("review", "list", "--limit", "2", "-c", str(cfg))
    assert page.returncode == 0 and "showing 1–2 of 5; next: --offset 2" in page.stderr, page.stderr
    assert len(page.stdout.splitlines()) == 3  # redirected: a header line and one line per row, never squeezed
    last = orderhub("review", "list", "--limit", "2", "--offset", "4", "-c", str(cfg))
    assert "showing 5–5 of 5" in last.stderr and len(last.stdout.splitlines()) == 2

    email = held[0]["order_id"]
    text = orderhub("orders", "show", email, "-c", str(cfg)).stdout
    assert "##" not in text and "ship to" in text and "total " in text and "version\treceived_at" in text, text
    shown = json.loads(orderhub("orders", "show", email, "--json", "-c", str(cfg)).stdout)["order"]["customer"]["email"]
    by_customer = json.loads(orderhub("review", "list", "--customer", shown.upper()[:12], "--json", "-c", str(cfg)).stdout)
    assert email in [r["order_id"] for r in by_customer]
    assert json.loads(orderhub("orders", "list", "--since", "2100-01-01", "--json", "-c", str(cfg)).stdout) == []
    assert len(json.loads(orderhub("orders", "list", "--until", "2100-01-01", "--limit", "500", "--json",
                              "-c", str(cfg)).stdout)) == 150
    backwards = orderhub("orders", "list", "--since", "2026-02-01", "--until", "2026-01-01", "-c", str(cfg))
    assert backwards.returncode == 2 and "is not before --until" in backwards.stderr

    typo = orderhub("review", "list", "--reason", "invalid_emial", "-c", str(cfg))
    assert "no held order has reason code 'invalid_emial'; held for: tag_requires_review (3), invalid_email (2)" in \
        typo.stderr, typo.stderr
    dry = orderhub("review", "approve", "--code", "invalid_email", "--operator", "ops1", "-c", str(cfg))
    assert dry.returncode == 0 and "2 order(s) held for invalid_email would be approved" in dry.stdout, dry.stdout
    assert len(json.loads(orderhub("review", "list", "--json", "-c", str(cfg)).stdout)) == 5  # nothing decided yet
    done = orderhub("review", "approve", "--code", "invalid_email", "--operator", "ops1", "--reason", "typos", "--yes",
               "--json", "-c", str(cfg))
    out = json.loads(done.stdout)
    assert len(out["decided"]) == 2 and out["skipped"] == [], out
    both = orderhub("review", "approve", held[0]["order_id"], "--code", "x", "--operator", "o", "-c", str(cfg))
    assert both.returncode == 2 and "not both" in both.stderr
    rejected = json.loads(orderhub("review", "reject", "--code", "tag_requires_review", "--store", "shop", "--operator",
                              "ops1", "--yes", "--json", "-c", str(cfg)).stdout)
    assert len(rejected["decided"]) == 3
    again = orderhub("review", "reject", rejected["decided"][0]["order_id"], "--operator", "ops1", "-c", str(cfg))
    assert again.returncode == 1 and "no open review" in again.stderr
    sync(cli, cfg)
    assert json.loads(orderhub("review", "list", "--json", "-c", str(cfg)).stdout) == []
    assert orderhub("doctor", "-c", str(cfg)).returncode == 0
