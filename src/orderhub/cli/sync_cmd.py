"""``orderhub sync --once`` and ``orderhub demo``."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from ..db import orders as order_store
from ..db import pushes as push_store
from ..db import quarantine as q
from ..db import review
from ..hub import Hub
from .context import ConfigOpt, JsonOpt, fail, open_hub
from .output import console, emit, print_json

SUMMARY_COLUMNS = ["store", "result", "pages", "inserted", "updated", "unchanged", "quarantined", "completed",
                   "held", "retry_later", "pushed", "error"]


def _flatten(res: dict[str, Any]) -> dict[str, Any]:
    chain, pushes = res.get("chain", {}), res.get("pushes", {})
    return {**{k: v for k, v in res.items() if k not in ("chain", "pushes")},
            "completed": chain.get("completed", 0), "held": chain.get("held", 0),
            "retry_later": chain.get("retry_later", 0), "pushed": pushes.get("delivered", 0)}


def run_sync_once(hub: Hub, stores: list[str], *, show_progress: bool) -> dict[str, dict[str, Any]]:
    from ..runtime import Runtime  # DBOS is only loaded by the commands that run work

    async def main() -> dict[str, dict[str, Any]]:
        rt = Runtime(hub)
        await rt.start()
        try:
            if not show_progress:
                return await rt.sync_once(stores)
            with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                          console=console, transient=True) as progress:
                tasks = {s: progress.add_task(f"syncing {s}", total=1) for s in stores}

                def done(store: str, res: dict[str, Any]) -> None:
                    progress.update(tasks[store], completed=1, description=f"{store}: {res.get('result')}")

                return await rt.sync_once(stores, on_done=done)
        finally:
            await rt.stop()

    return asyncio.run(main())


def sync(
    once: Annotated[bool, typer.Option("--once", help="Pull, run chains, deliver pushes, then exit.")] = False,
    store: Annotated[list[str] | None, typer.Option("--store", help="Only these stores (repeatable).")] = None,
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Sync stores once: pull changed orders, run each store's chain, deliver pushes."""
    if not once:
        fail("`orderhub sync` needs --once; the daemon that keeps syncing is `orderhub run`", 2)
    hub = open_hub(config)
    stores = store or [n for n, s in hub.config.stores.items() if s.enabled]
    for s in stores:
        if s not in hub.config.stores:
            fail(f"unknown store {s!r} (configured: {', '.join(hub.config.stores) or 'none'})", 2)
    problems = hub.check()
    if problems:
        fail("; ".join(problems), 2)
    results = run_sync_once(hub, stores, show_progress=console.is_terminal and not as_json)
    rows = [_flatten(results[s]) for s in stores]
    if as_json:
        print_json(rows)
    else:
        emit(rows, SUMMARY_COLUMNS, as_json=False, title="sync")
    if any(r.get("result") != "complete" for r in rows):
        raise typer.Exit(1)


async def summary(hub: Hub) -> dict[str, Any]:
    """Orders per store and state, open reviews, open quarantine, pushes: what the demo prints."""
    async with hub.engine.connect() as conn:
        return {"orders": await order_store.count_by_status(conn), "review": await review.count_open(conn),
                "quarantine": await q.count_open(conn), "pushes": await push_store.count_by_status(conn)}


def print_summary(data: dict[str, Any]) -> None:
    stores = sorted({r["store"] for r in data["orders"]} | {r["store"] for r in data["quarantine"]})
    statuses = sorted({r["status"] for r in data["orders"]})
    rows = []
    for s in stores:
        row: dict[str, Any] = {"store": s}
        for st in statuses:
            row[st] = sum(r["n"] for r in data["orders"] if r["store"] == s and r["status"] == st)
        row["held (review)"] = sum(r["n"] for r in data["review"] if r["store"] == s)
        row["quarantined"] = sum(r["n"] for r in data["quarantine"] if r["store"] == s)
        row["pushed"] = sum(r["n"] for r in data["pushes"] if r["store"] == s and r["status"] == "delivered")
        rows.append(row)
    emit(rows, ["store", *statuses, "held (review)", "quarantined", "pushed"], as_json=False, title="orderhub summary")


DEMO_CONFIG = """\
[database]
url = "sqlite:///orderhub.db"

[runtime]
executor_id = "demo-1"

[logging]
level = "warning"

[stores.web-shop]
connector = "files"
path = "inbox/web-shop"
outbox = "outbox/web-shop"
chain = [{ step = "hold_rules", max_total = "150.00", review_tags = ["vip"] }]

[stores.pos-export]
connector = "files"
path = "inbox/pos-export"
outbox = "outbox/pos-export"
chain = [{ step = "hold_rules", countries = ["DE", "AT", "NL", "FR"] }]
"""


def demo(
    folder: Annotated[Path, typer.Option(help="Where the demo writes its config, files and database.")] = Path("demo"),
    orders: Annotated[int, typer.Option(help="Orders per store.")] = 500,
    as_json: JsonOpt = False,
) -> None:
    """Write demo stores (JSON orders and a CSV export, a few malformed), sync them once, print a summary."""
    from ..demo import write_csv_export, write_json_orders

    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    write_json_orders(folder / "inbox" / "web-shop", orders, malformed=max(1, orders // 100))
    write_csv_export(folder / "inbox" / "pos-export" / "export.csv", orders, malformed=max(1, orders // 100))
    (folder / "orderhub.toml").write_text(DEMO_CONFIG)
    hub = open_hub(folder / "orderhub.toml")
    results = run_sync_once(hub, list(hub.config.stores), show_progress=console.is_terminal and not as_json)
    hub2 = open_hub(folder / "orderhub.toml")

    async def collect() -> dict[str, Any]:
        try:
            return await summary(hub2)
        finally:
            await hub2.aclose()

    data = asyncio.run(collect())
    if as_json:
        print_json({"sync": [_flatten(r) for r in results.values()], "summary": data})
        return
    emit([_flatten(r) for r in results.values()], SUMMARY_COLUMNS, as_json=False, title="sync")
    print_summary(data)
    console.print(f"config and data in {folder}/: try [bold]orderhub review list -c {folder}/orderhub.toml[/bold]")
