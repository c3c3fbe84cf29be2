"""``orderhub sync --once`` and ``orderhub demo``."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from orderhub.cli.context import ConfigOpt, JsonOpt, config_problems, fail, known_store, open_hub
from orderhub.cli.output import console, emit, err_console, print_json

if TYPE_CHECKING:
    from orderhub.hub import Hub

SUMMARY_COLUMNS = ["store", "result", "pages", "inserted", "updated", "unchanged", "quarantined", "completed",
                   "held", "retry_later", "pushed", "error"]


def emit_sync(rows: list[dict[str, Any]]) -> None:
    """The sync table, without columns that say nothing in this run (no errors, no retries)."""
    cols = [c for c in SUMMARY_COLUMNS if c not in ("error", "retry_later", "updated")
            or any(r.get(c) for r in rows)]
    emit(rows, cols, as_json=False, title="sync")


def _flatten(res: dict[str, Any]) -> dict[str, Any]:
    chain, pushes = res.get("chain", {}), res.get("pushes", {})
    return {**{k: v for k, v in res.items() if k not in ("chain", "pushes", "tasks")},
            "completed": chain.get("completed", 0), "held": chain.get("held", 0),
            "retry_later": chain.get("retry_later", 0), "pushed": pushes.get("delivered", 0)}


def run_sync_once(hub: Hub, stores: list[str], *, show_progress: bool) -> dict[str, dict[str, Any]]:
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
    from orderhub.runtime.process import Runtime  # DBOS is only loaded by the commands that run work

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
    once: Annotated[bool, typer.Option("--once", metavar="", help="Pull, run chains, deliver pushes, then exit.")] = False,
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
        known_store(hub, s)
    problems = hub.check()
    if problems:
        config_problems(problems)
    results = run_sync_once(hub, stores, show_progress=console.is_terminal and not as_json)
    rows = [_flatten(results[s]) for s in stores]
    if as_json:
        print_json(rows)
    else:
        emit_sync(rows)
    if any(r.get("result") != "complete" for r in rows):
        raise typer.Exit(1)


async def summary(hub: Hub) -> dict[str, Any]:
    """Orders per store and state, open reviews, open quarantine, pushes: what the demo prints."""
    from orderhub.db import orders as order_store
    from orderhub.db import pushes as push_store
    from orderhub.db import quarantine as q
    from orderhub.db import review

    async with hub.engine.connect() as conn:
        return {"orders": await order_store.count_by_status(conn), "review": await review.count_open(conn),
                "quarantine": await q.count_open(conn), "pushes": await push_store.count_by_status(conn),
                "held_for": await review.open_reason_counts(conn)}


def print_summary(data: dict[str, Any]) -> None:
    stores = sorted({r["store"] for r in data["orders"]} | {r["store"] for r in data["quarantine"]})
    statuses = sorted({r["status"] for r in data["orders"]})
    rows = []
    for s in stores:
        row: dict[str, Any] = {"store": s}
        for st in statuses:
            row[st] = sum(r["n"] for r in data["orders"] if r["store"] == s and r["status"] == st)
        row["quarantined"] = sum(r["n"] for r in data["quarantine"] if r["store"] == s)
        row["pushed"] = sum(r["n"] for r in data["pushes"] if r["store"] == s and r["status"] == "delivered")
        rows.append(row)
    emit(rows, ["store", *statuses, "quarantined", "pushed"], as_json=False, title="orderhub summary")
    held = data.get("held_for") or {}
    if held:
        console.print("on_hold, by reason (an order may have several): "
                      + ", ".join(f"{code} {n}" for code, n in sorted(held.items(), key=lambda kv: -kv[1])),
                      highlight=False)


def _run_daemon_until_synced(hub: Hub, *, show_progress: bool) -> tuple[dict[str, dict[str, Any]], str | None]:
    """`orderhub run` on the demo config until every store has been synced once, saying how far it
    got as it goes (a live line on a terminal, a line every few seconds otherwise); returns each
    store's first sync and where the daemon listened."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from orderhub.runtime.daemon import Daemon

    from orderhub.db import orders as order_store
    from orderhub.db import quarantine as q

    async def counts() -> str:
        async with hub.engine.connect() as conn:
            n: dict[str, int] = {}
            for r in await order_store.count_by_status(conn):
                n[r["status"]] = n.get(r["status"], 0) + r["n"]
            quarantined = sum(r["n"] for r in await q.count_open(conn))
        return (f"{sum(n.values())} orders stored, {n.get('on_hold', 0)} held for review, "
                f"{n.get('reserved', 0)} reserved, {quarantined} quarantined")

    async def watch(report: Any, every: float) -> None:
        while True:
            await asyncio.sleep(every)
            with contextlib.suppress(Exception):  # a busy database only delays the next line
                report(await counts())

    async def main() -> tuple[dict[str, list[dict[str, Any]]], str | None]:
        daemon = Daemon(hub, until_synced=True)
        label = f"orderhub run: syncing {len(hub.config.stores)} stores"
        if not show_progress:
            watcher = asyncio.create_task(watch(lambda line: err_console.print(f"{label}: {line}", highlight=False), 5))
            try:
                return await daemon.run(), getattr(daemon, "url", None)
            finally:
                watcher.cancel()
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console,
                      transient=True) as progress:
            task = progress.add_task(label, total=None)
            watcher = asyncio.create_task(watch(lambda line: progress.update(task, description=f"{label}: {line}"),
                                                0.5))
            try:
                return await daemon.run(), getattr(daemon, "url", None)
            finally:
                watcher.cancel()

    runs, url = asyncio.run(main())
    return {store: next((r for r in rs if "pages" in r or r.get("result") == "paused"), {"store": store})
            for store, rs in runs.items()}, url


DEMO_CHAIN = '["validate", "risk", { step = "hold_rules", max_total = "400.00", review_tags = ["vip"] }, "reserve"]'


async def _demo_stock(hub: Hub, orders: int) -> None:
    """The demo shops' catalog, and stock for most (not all) of the orders: some will wait."""
    from orderhub.db.inventory import set_on_hand, upsert_catalog
    from orderhub.ops.demo import CATALOG as FILE_CATALOG
    from orderhub.sandbox.data import PRODUCTS

    rows = [{"sku": sku, "title": f"{title} {variant or ''}".strip(), "weight_g": grams, "fragile": "VASE" in sku,
             "reorder_point": orders // 10} for sku, title, variant, _price, grams in PRODUCTS]
    rows += [{"sku": sku, "title": title, "weight_g": 300, "fragile": sku.startswith("VASE"),
              "reorder_point": orders // 20} for sku, title, _price in FILE_CATALOG
             if sku not in {r["sku"] for r in rows}]
    async with hub.engine.begin() as conn:
        await upsert_catalog(conn, rows)
        for r in rows:
            await set_on_hand(conn, r["sku"], "main", 2 * orders, actor="demo", reason="opening stock", notices=[])
    await hub.aclose()


#: Left in a folder the demo wrote: only such a folder is ever deleted, and only with --force.
DEMO_MARKER = ".orderhub-demo"


def _claim_demo_folder(folder: Path, *, force: bool) -> None:
    if folder.exists() and not folder.is_dir():
        fail(f"--folder {folder}: exists and is not a folder", 2)
    if folder.exists() and any(folder.iterdir()):
        if not (folder / DEMO_MARKER).exists():
            fail(f"--folder {folder}: not empty and not written by the demo; nothing was touched "
                 "(name a new or empty folder)", 2)
        if not force:
            fail(f"--folder {folder}: holds an earlier demo run and the decisions made on it; "
                 "use --force to start over, or --folder to run beside it", 2)
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / DEMO_MARKER).write_text("written by `orderhub demo`; `orderhub demo --force` deletes this folder\n")


def _plugins_on_the_demo(hub: Hub, folder: Path) -> list[str]:
    """What each plugin shows of the demo's data (``demo_finished``); one that fails is logged and skipped."""
    import inspect

    from orderhub.logging import get_logger

    async def go() -> list[str]:
        lines: list[str] = []
        try:
            for result in hub.plugins.hook.demo_finished(hub=hub, folder=folder):
                try:
                    lines += list(await result if inspect.isawaitable(result) else result or [])
                except Exception:
                    get_logger().exception("demo_plugin_failed")
        except Exception:
            get_logger().exception("demo_plugin_failed")
        finally:
            await hub.aclose()
        return lines

    return asyncio.run(go())


def demo(
    folder: Annotated[Path, typer.Option(help="Where the demo writes its config, files and database.")] = Path("demo"),
    orders: Annotated[int, typer.Option(help="Orders per store.")] = 1000,
    force: Annotated[bool, typer.Option("--force", metavar="", help="Start over in a folder an earlier demo wrote (its decisions are lost).")] = False,
    as_json: JsonOpt = False,
) -> None:
    """The main job on the embedded default: the daemon syncs sandbox Shopify and WooCommerce shops
    and a CSV drop folder into SQLite, then prints a summary."""
    from orderhub.ops.demo import write_csv_export
    from orderhub.sandbox import Sandbox
    from orderhub.cli.sandbox_cmd import sandbox_config_toml

    _claim_demo_folder(folder, force=force)
    write_csv_export(folder / "inbox" / "pos-export" / "export.csv", orders, malformed=max(1, orders // 100))
    with Sandbox(shopify=2, woocommerce=1, orders=orders, malformed=0.01) as sb:
        stores = sb.store_configs(folder.resolve() / "secrets")
        for sc in stores.values():
            sc.update(stock_sync=True, locations=["main"], payment_rule="authorized")
        stores["shop1"]["location_id"] = 24826418
        stores["shop2"]["location_id"] = 24826418
        text = sandbox_config_toml(stores, db="sqlite:///orderhub.db", chain=DEMO_CHAIN)
        text += ('\n[stores.pos-export]\nconnector = "files"\npath = "inbox/pos-export"\n'
                 'outbox = "outbox/pos-export"\nlocations = ["main"]\n'
                 'chain = ["validate", { step = "hold_rules", countries = ["DE", "AT", "NL", "FR"] }, "reserve"]\n')
        text += '\n[server]\nport = 0                               # the daemon\'s webhooks and admin API; any free port\n'
        (folder / "orderhub.toml").write_text(text)
        hub = open_hub(folder / "orderhub.toml")
        asyncio.run(_demo_stock(hub, orders))
        results, url = _run_daemon_until_synced(open_hub(folder / "orderhub.toml"),
                                                show_progress=console.is_terminal and not as_json)
        # plugins look while the shops still serve: one may read more of them (the shops' reviews)
        shown = _plugins_on_the_demo(open_hub(folder / "orderhub.toml"), folder)
        traffic = {name: shop.summary() for name, shop in sb.shops.items()}
    hub2 = open_hub(folder / "orderhub.toml")

    async def collect() -> dict[str, Any]:
        try:
            return await summary(hub2)
        finally:
            await hub2.aclose()

    data = asyncio.run(collect())
    if as_json:
        print_json({"sync": [_flatten(r) for r in results.values()], "summary": data, "sandbox": traffic,
                    "plugins": shown})
        return
    emit_sync([_flatten(r) for r in results.values()])
    print_summary(data)
    for line in shown:
        console.print(line, highlight=False)
    console.print("sandbox traffic: " + "; ".join(f"{n}: {t['requests']} requests, statuses {t['statuses']}"
                                                   for n, t in traffic.items()))
    cfg = f"{folder}/orderhub.toml"
    console.print(f"while it ran, the daemon listened on {url or 'a free port'} (webhooks, /api/v1, /metrics, /docs)")
    console.print(f"config and data in {folder}/: try [bold]orderhub review list -c {cfg}[/bold], then "
                  f"[bold]orderhub review approve ID --operator you -c {cfg}[/bold] and [bold]orderhub sync --once -c "
                  f"{cfg}[/bold]")
    console.print("the sandbox shops stopped with the demo: a sync or `orderhub run` on this config can only reach "
                  "the files store (the others log connect errors and end partial); `orderhub sandbox` serves live "
                  "shops", highlight=False)
