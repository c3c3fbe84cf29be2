"""``orderhub run`` and ``orderhub status``."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

import typer

from orderhub.cli.context import ConfigOpt, JsonOpt, config_problems, fail, open_hub, run_with_hub
from orderhub.cli.output import emit, print_json


def run(
    config: ConfigOpt = None,
    for_: Annotated[str | None, typer.Option("--for", help="Stop after this long (e.g. 30s); default: until SIGTERM.")] = None,
    port: Annotated[int | None, typer.Option(min=0, max=65535, help="Override server.port.")] = None,
    host: Annotated[str | None, typer.Option(help="Override server.host.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Run the daemon: poll every store, take webhooks, serve the admin API and /metrics."""
    from orderhub.config import parse_duration

    from orderhub.runtime.daemon import Daemon

    hub = open_hub(config)
    if port is not None:
        hub.config.server.port = port
    if host is not None:
        hub.config.server.host = host
    problems = hub.check()
    if problems:
        config_problems(problems)
    try:
        run_for = parse_duration(for_) if for_ else None
    except ValueError as exc:
        fail(f"--for: {exc}", 2)
    results = asyncio.run(Daemon(hub, run_for=run_for).run())
    rows = [{"store": s, "syncs": sum(1 for r in rs if "pages" in r),
             "inserted": sum(r.get("inserted", 0) for r in rs), "quarantined": sum(r.get("quarantined", 0) for r in rs),
             "last_result": next((r.get("result") for r in reversed(rs) if "pages" in r or r.get("result") == "paused"),
                                 None)} for s, rs in results.items()]
    print_json(rows) if as_json else emit(rows, ["store", "syncs", "inserted", "quarantined", "last_result"],
                                          as_json=False, title="orderhub run")


def status(config: ConfigOpt = None, as_json: JsonOpt = False) -> None:
    """Each store's state, last sync, cursor lag and waiting work."""
    from orderhub.db import orders as order_store
    from orderhub.db import stores as stores_db

    async def go(hub) -> list[dict[str, Any]]:
        await hub.metrics.refresh()
        async with hub.engine.connect() as conn:
            states = await stores_db.states(conn)
            counts = await order_store.count_by_status(conn)
        m = hub.metrics
        out = []
        for name in hub.config.stores:
            st = states.get(name, {})
            out.append({"store": name, "state": "paused" if st.get("paused") else (st.get("last_result") or "never synced"),
                        "last_sync_at": st.get("last_sync_at"), "worker": st.get("worker"), "why": st.get("paused_reason") or st.get("last_error"),
                        "cursor_lag_s": round(m.cursor_lag.labels(name)._value.get()),
                        "chain_waiting": int(m.queue_depth.labels(name, "chain")._value.get()),
                        "pushes_waiting": int(m.queue_depth.labels(name, "pushes")._value.get()),
                        "orders": sum(c["n"] for c in counts if c["store"] == name)})
        return out
    rows = run_with_hub(config, go)
    emit(rows, ["store", "state", "worker", "last_sync_at", "cursor_lag_s", "orders", "chain_waiting", "pushes_waiting", "why"],
         as_json=as_json, title="status")
