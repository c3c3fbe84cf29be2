"""``orderhub orders``: list and show orders with their event log."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Annotated

import typer

from orderhub.lifecycle import OrderStatus
from orderhub.cli.context import (ConfigOpt, CustomerOpt, JsonOpt, OffsetOpt, SinceOpt, StoreOpt, UntilOpt, fail, order_filter,
                      run_with_hub)
from orderhub.cli.output import console, emit, print_json

app = typer.Typer(help="Orders and their history.", no_args_is_help=True)


@app.command("list")
def list_(config: ConfigOpt = None, store: StoreOpt = None,
          status: Annotated[OrderStatus | None, typer.Option(help="Only orders in this lifecycle state.")] = None,
          since: SinceOpt = None, until: UntilOpt = None, customer: CustomerOpt = None,
          limit: Annotated[int, typer.Option(min=1, max=100_000, help="At most this many.")] = 50, offset: OffsetOpt = 0,
          as_json: JsonOpt = False) -> None:
    """Newest orders first, filtered by store, status, date and customer."""
    from orderhub.db import orders as order_store

    async def go(hub):
        where = order_filter(hub, store=store, status=status.value if status else None, since=since, until=until,
                             customer=customer)
        async with hub.engine.connect() as conn:
            return (await order_store.list_orders(conn, where=where, limit=limit, offset=offset),
                    await order_store.count_orders(conn, where))
    rows, total = run_with_hub(config, go)
    emit(rows, ["id", "store", "external_id", "number", "status", "channel_status", "total", "currency", "customer",
                "version", "created_at"], as_json=as_json, title="orders", total=total, offset=offset)


@app.command()
def show(ref: Annotated[str, typer.Argument(help="Order id, store:external_id, external id or number.")],
         config: ConfigOpt = None, as_json: JsonOpt = False) -> None:
    """One order: its canonical data, versions, event log, pushes and what plugins keep about it."""
    from orderhub.ops.actions import VIEW_KEYS, order_view

    doc = run_with_hub(config, lambda hub: order_view(hub, ref))
    if doc is None:
        fail(f"no order matches {ref!r}")
    if as_json:
        print_json(doc)
        return
    _print_order(doc["order"], doc["version"])
    for name, section in doc.items():
        if name not in VIEW_KEYS:
            text = section.get("summary") if isinstance(section, dict) else None
            console.print(f"{name:<9} {text or json.dumps(section, default=str)}", highlight=False)
    emit(doc["versions"], ["version", "received_at", "payload_hash"], as_json=False, title="versions")
    emit(doc["events"], ["at", "kind", "from_status", "to_status", "actor", "reason"], as_json=False, title="events")
    if doc["pushes"]:
        emit(doc["pushes"], ["id", "kind", "target", "status", "attempts", "last_error"], as_json=False, title="pushes")
    if doc["timeline"]:
        emit(doc["timeline"], ["at", "plugin", "kind", "text"], as_json=False, title="from plugins")


def _number(order: dict) -> str:
    """Shopify's ``name`` is already ``#1008``; a bare number gets one ``#``."""
    n = order.get("number")
    return "-" if not n else n if str(n).startswith("#") else f"#{n}"


def _minus(amount: str) -> str:
    """A deduction as people write it: ``-5.00``, or ``0`` when there is none."""
    return "0" if Decimal(str(amount)) == 0 else f"-{amount}"


def _address(a: dict | None) -> str:
    if not a:
        return "-"
    parts = [a.get("name"), a.get("company"), *a.get("lines", []), " ".join(filter(None, [a.get("postal_code"),
             a.get("city")])), a.get("region"), a.get("country")]
    return ", ".join(p for p in parts if p)


def _print_order(o: dict, version: int) -> None:
    cur = o["currency"]
    t = o["totals"]
    console.print(f"[bold]{o['id']}[/bold]  {o['store']}:{o['external_id']}  {_number(o)}  "
                  f"[bold]{o['status']}[/bold] (channel: {o.get('channel_status') or '-'})  version {version}",
                  highlight=False)
    c = o["customer"]
    console.print(f"customer  {c.get('name') or '-'} <{c.get('email') or '-'}> {c.get('phone') or ''}".rstrip(),
                  highlight=False)
    console.print(f"ship to   {_address(o.get('shipping_address'))}", highlight=False)
    console.print(f"bill to   {_address(o.get('billing_address'))}", highlight=False)
    for li in o["line_items"]:
        console.print(f"  {li['quantity']} × {li.get('sku') or '-'}  {li['title']}  @ {li['unit_price']} {cur}",
                      highlight=False)
    for s in o.get("shipping_lines", []):
        console.print(f"  shipping  {s.get('title') or s.get('code') or '-'}  {s.get('price')} {cur}", highlight=False)
    console.print(f"subtotal {t['subtotal']}  discounts {_minus(t['discounts'])}  shipping {t['shipping']}  fees {t['fees']}  "
                  f"tax {t['tax']}{' (included)' if t.get('tax_included') else ''}  [bold]total {t['total']} {cur}[/bold]"
                  f"  paid {t['paid']}  refunded {t['refunded']}  payment {o['payment']['status']}", highlight=False)
    req = {k: v for k, v in (o.get("requirements") or {}).items() if v not in (None, False, [], "")}
    if req or o.get("tags"):
        console.print(f"requirements {req or '-'}  tags {', '.join(o.get('tags') or []) or '-'}", highlight=False)
