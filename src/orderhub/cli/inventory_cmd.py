"""``orderhub catalog`` and ``orderhub inventory``: SKUs, stock per location, counts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from orderhub.cli.context import ConfigOpt, JsonOpt, fail, run_with_hub
from orderhub.cli.output import console, emit, err_console, print_json

catalog = typer.Typer(help="SKUs and the attributes later steps need.", no_args_is_help=True)
inventory = typer.Typer(help="Stock per SKU and location: on hand, reserved, available.", no_args_is_help=True)
Location = Annotated[str, typer.Option("--location", help="Stock location.")]
Operator = Annotated[str, typer.Option("--operator", help="Who (kept in the audit trail).")]


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except IsADirectoryError:
        fail(f"{path} is a folder; name the CSV file", 2)
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror}", 2)
    except UnicodeDecodeError:
        fail(f"{path} is not UTF-8 text (a CSV export is)", 2)
    raise AssertionError


@catalog.command("import")
def catalog_import(file: Path, config: ConfigOpt = None, as_json: JsonOpt = False) -> None:
    """Import SKUs from CSV (sku,title,weight_g,length_mm,width_mm,height_mm,fragile,hazmat,reorder_point;
    optional low_stock_threshold, unit_cost and cost_currency)."""
    from orderhub.ops import actions as operations
    from orderhub.ops.stock_csv import parse_catalog

    parsed = parse_catalog(_read(file), file.name)
    result = run_with_hub(config, lambda hub: operations.import_catalog(hub, parsed.rows)) if parsed.rows else \
        {"inserted": 0, "updated": 0}
    out = {**result, "errors": parsed.errors}
    if as_json:
        print_json(out)
    else:
        console.print(f"catalog: {result['inserted']} added, {result['updated']} updated")
        for e in parsed.errors:
            err_console.print(f"[red]✗[/red] {e}")
    if parsed.errors:
        raise typer.Exit(1)


@catalog.command("list")
def catalog_list(config: ConfigOpt = None, as_json: JsonOpt = False) -> None:
    """Every SKU with its attributes."""
    from orderhub.db import inventory as inv

    async def go(hub):
        async with hub.engine.connect() as conn:
            return await inv.list_catalog(conn)
    emit(run_with_hub(config, go), ["sku", "title", "weight_g", "length_mm", "width_mm", "height_mm", "fragile",
                                    "hazmat", "reorder_point", "low_stock_threshold", "unit_cost", "cost_currency"],
         as_json=as_json, title="catalog")


@inventory.command("list")
def inventory_list(config: ConfigOpt = None, sku: Annotated[str | None, typer.Option()] = None,
                   location: Annotated[str | None, typer.Option()] = None,
                   low: Annotated[bool, typer.Option("--low", metavar="", help="Only SKUs at or below their threshold.")] = False,
                   as_json: JsonOpt = False) -> None:
    """Stock levels: on hand, reserved, available, low."""
    from orderhub.db import inventory as inv

    async def go(hub):
        async with hub.engine.connect() as conn:
            return await inv.list_levels(conn, sku=sku, location=location, low_only=low)
    emit(run_with_hub(config, go), ["sku", "location", "on_hand", "reserved", "available", "low", "updated_at"],
         as_json=as_json, title="inventory")


@inventory.command("set")
def inventory_set(sku: str, quantity: Annotated[int, typer.Argument(min=0, max=10**9, help="Units on hand.")], location: Location = "default", operator: Operator = "cli",
                  reason: Annotated[str | None, typer.Option("--reason")] = None, config: ConfigOpt = None,
                  as_json: JsonOpt = False) -> None:
    """Set on hand to QTY (audited); stock pushes follow to every store selling the SKU."""
    from orderhub.ops import actions as operations

    if quantity < 0:
        fail("quantity cannot be negative", 2)
    out = run_with_hub(config, lambda hub: operations.set_stock(hub, sku, quantity, location, operator=operator,
                                                                reason=reason))
    print_json(out) if as_json else console.print(
        f"{sku}@{location}: on hand {out['on_hand']} (variance {out['variance']:+d}), available {out['available']}")


@inventory.command("adjust", context_settings={"ignore_unknown_options": True})  # DELTA may be -2
def inventory_adjust(sku: str, delta: Annotated[int, typer.Argument(min=-10**9, max=10**9, help="Units to add (negative: remove).")], reason: Annotated[str, typer.Option("--reason", help="Why (required).")],
                     location: Location = "default", operator: Operator = "cli", config: ConfigOpt = None,
                     as_json: JsonOpt = False) -> None:
    """Add DELTA to on hand (negative removes), with a reason for the audit trail."""
    from orderhub.ops import actions as operations

    out = run_with_hub(config, lambda hub: operations.adjust_stock(hub, sku, delta, location, operator=operator,
                                                                   reason=reason))
    print_json(out) if as_json else console.print(
        f"{sku}@{location}: on hand {out['on_hand']} ({delta:+d}), available {out['available']}")


@inventory.command("import")
def inventory_import(file: Path, operator: Operator = "cli", config: ConfigOpt = None, as_json: JsonOpt = False) -> None:
    """Apply a stock count (sku,location,on_hand): each variance becomes one audited movement."""
    from orderhub.ops import actions as operations
    from orderhub.ops.stock_csv import parse_count

    parsed = parse_count(_read(file), file.name)
    if parsed.errors:
        for e in parsed.errors:
            err_console.print(f"[red]✗[/red] {e}")
        fail(f"{file}: {len(parsed.errors)} bad row(s); nothing applied", 1)
    variances = run_with_hub(config, lambda hub: operations.import_count(hub, parsed.rows, operator=operator,
                                                                         source=file.name))
    if as_json:
        print_json({"counted": len(parsed.rows), "variances": variances})
        return
    emit(variances, ["sku", "location", "books", "counted", "variance"], as_json=False,
         title=f"stock count {file.name}: {len(parsed.rows)} counted, {len(variances)} variance(s)")
