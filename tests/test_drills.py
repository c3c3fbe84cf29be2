"""Issue #19's drills, each as an operator runs it from a fresh clone (``orderhub drill NAME``):
the fault injected into the sandbox, the daemon run through it, the incident opened and resolved,
and every order stored once, every push delivered once, one label per shipment. Three run at a
time, each in its own process (the daemon's durable engine is one per process); they mostly wait
on the sandbox, so the five take about as long as the two slowest."""

import json
import subprocess
import sys
import time

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
#: Drills running at once: each is a daemon and a sandbox in its own process.
AT_ONCE = 3


def test_every_drill_ends_with_the_incident_resolved_and_everything_accounted_for(tmp_path, pg_url, figures):
    waiting = ["rate_limit_storm", "database_restart", "carrier_outage", "credentials_revoked", "bad_payload_flood"]
    running, reports = {}, {}
    while waiting or running:
        while waiting and len(running) < AT_ONCE:  # the longest first; a few at a time keeps the machine
            name = waiting.pop(0)                  # free for the tests that run beside this one
            args = [sys.executable, "-m", "orderhub.cli.app", "drill", name, "--folder", str(tmp_path / name),
                    "--orders", "20", "--timeout", "150", "--json"]
            if name == "database_restart":  # on PostgreSQL: its backends terminated, as a restart does
                args += ["--db", pg_url]
            running[name] = (time.monotonic(), subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                                                text=True))
        name = next((n for n, (_, p) in running.items() if p.poll() is not None), None)
        if name is None:
            time.sleep(0.5)
            continue
        started, proc = running.pop(name)
        out, err = proc.communicate(timeout=600)
        assert proc.returncode in (0, 1), err[-3000:]
        reports[name] = json.loads(out)
        reports[name]["wall_s"] = round(time.monotonic() - started)
    for name, r in reports.items():
        assert r["ok"], (name, r.get("failure"), r["accounts"]["problems"], r["timeline"], r["incidents"])
        (tracked,) = [i for i in r["incidents"] if i["kind"] == r["incident_kind"]][:1]
        assert tracked["status"] == "resolved" and tracked["resolved_by"] == "auto", tracked
        a = r["accounts"]
        assert a["problems"] == [] and a["labels"] == a["shipments"] and set(a["pushes"]) <= {"delivered"}
        figures(f"drill {name}: detected {r['detected_after_s']} s after the fault, resolved "
                       f"{r['recovered_after_s']} s after it cleared; {a['orders_at_shops']} orders, {a['stored']} "
                       f"stored, {a['quarantined']} quarantined, {a['pushes'].get('delivered', 0)} pushes delivered, "
                       f"{a['labels']} labels for {a['shipments']} shipments, {a['fallbacks']} fallbacks "
                       f"({r['wall_s']} s)")
    assert reports["carrier_outage"]["accounts"]["fallbacks"] >= 3
    assert reports["bad_payload_flood"]["accounts"]["quarantined"] > 0
    assert any("operator: credentials restored" in t for _, t in reports["credentials_revoked"]["timeline"])
