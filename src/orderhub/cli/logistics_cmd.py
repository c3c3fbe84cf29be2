"""``orderhub rates`` and ``orderhub track``: why a carrier was chosen, where a parcel is."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import typer

from orderhub.cli.context import ConfigOpt, JsonOpt, fail, run_with_hub
from orderhub.cli.output import console, emit, money, print_json


def rates(ref: Annotated[str, typer.Argument(help="Order id, store:external_id, external id or number.")],
          config: ConfigOpt = None, fresh: Annotated[bool, typer.Option(
              "--fresh", metavar="", help="Ask the carriers now instead of showing the recorded choice.")] = False,
          as_json: JsonOpt = False) -> None:
    """The quotes for an order and the choice, with every runner-up's score and every rejection's reason."""
    from orderhub.db import orders as order_store
    from orderhub.db import shipments as ship_db
    from orderhub.db.common import utcnow
    from orderhub.models import Order

    from orderhub.shipping.choice import choose

    async def go(hub):
        async with hub.engine.connect() as conn:
            row = await order_store.find_order(conn, ref)
            if row is None:
                return None
            shipment = await ship_db.for_order(conn, row["id"])
            if shipment and not fresh:
                return {"order_id": row["id"], "recorded": True, "state": shipment["state"],
                        "tracking_number": shipment["tracking_number"], **shipment["choice"]}
            return {"order_id": row["id"], "recorded": False,
                    **await choose(hub, conn, Order.model_validate(row["data"]), now=utcnow())}
    doc = run_with_hub(config, go)
    if doc is None:
        fail(f"no order matches {ref!r}")
    if as_json:
        print_json(doc)
        return
    chosen = doc.get("chosen")
    plan = doc["plan"]
    console.print(f"[bold]{doc['order_id']}[/bold]  route {doc['route']}  preset {doc['preset']}  "
                  f"{'recorded ' + doc['decided_at'] if doc['recorded'] else 'quoted now'}")
    console.print(f"plan: {len(plan['parcels'])} parcel(s) {[p['weight_g'] for p in plan['parcels']]} g, "
                  f"flags {', '.join(plan['flags']) or '-'}, deadline {plan['deadline'] or '-'}"
                  + (f"; {'; '.join(plan['notes'])}" if plan["notes"] else ""))
    if chosen:
        console.print(f"[green]chosen[/green]: {chosen['carrier']} {chosen['service_name']} "
                      f"{money(chosen['rate']['price'], chosen['rate']['currency'])}, {chosen['rate']['transit_days']} d, "
                      f"score {chosen['score']}")
    elif not doc["candidates"]:
        console.print("[red]no carriers configured[/red]: add a [carriers.NAME] table (see `orderhub sandbox` for test "
                      "accounts), or list them in this store's [stores.NAME.shipping] carriers")
    else:
        console.print("[red]no carrier can take this shipment[/red] (each candidate's reason below)")
    table = [{"carrier": c["carrier"], "service": c["service_name"],
              "price": money(c["rate"]["price"], c["rate"]["currency"]) if c["rate"] else "-",
              "days": c["rate"]["transit_days"] if c["rate"] else "-", "score": c["score"] if c["score"] else "-",
              "parts": " ".join(f"{k}={v}" for k, v in c["parts"].items()) or "-",
              "rejected": c["rejected"] or ""} for c in doc["candidates"]]
    emit(table, ["carrier", "service", "price", "days", "score", "parts", "rejected"], as_json=False, title="candidates")


def track(number: Annotated[str, typer.Argument(help="Tracking number.")],
          carrier: Annotated[str, typer.Option("--carrier", help="The carrier's config name ([carriers.NAME]).")],
          config: ConfigOpt = None, as_json: JsonOpt = False) -> None:
    """Fetch one shipment's tracking from its carrier now and print it normalized."""
    async def go(hub):
        (result,) = await hub.carrier(carrier).track([number])
        return result
    result = run_with_hub(config, go)
    doc = asdict(result)
    doc["status"] = result.status.value
    doc["events"] = [e.model_dump(mode="json") for e in result.events]
    doc["estimated_delivery"] = result.estimated_delivery.isoformat() if result.estimated_delivery else None
    if as_json:
        print_json(doc)
        return
    if not result.found:
        fail(f"{carrier} does not know {number}: {result.error}")
    console.print(f"[bold]{number}[/bold] ({carrier}): [bold]{doc['status']}[/bold]"
                  + (f", expected {doc['estimated_delivery']}" if doc["estimated_delivery"] else ""))
    emit(list(reversed(doc["events"])), ["occurred_at", "status", "raw_code", "description", "location"],
         as_json=False, title="events")


carriers = typer.Typer(help="Carrier accounts: state, pause, resume.", no_args_is_help=True)


@carriers.command("list")
def list_carriers(config: ConfigOpt = None, as_json: JsonOpt = False) -> None:
    """Every configured carrier account: enabled, paused (and why), its circuit breaker."""
    from orderhub.ops.actions import carrier_states

    emit(run_with_hub(config, carrier_states), ["carrier", "connector", "enabled", "paused", "paused_reason",
                                                "circuit"], as_json=as_json, title="carriers")


Operator = Annotated[str, typer.Option("--operator", help="Who does it (kept with the state).")]


@carriers.command()
def pause(carrier: str, reason: Annotated[str, typer.Option("--reason")] = "paused by an operator",
          operator: Operator = "cli", config: ConfigOpt = None) -> None:
    """Buy no more labels with a carrier: select_carrier skips it and fulfil falls back to each
    order's runner-up. Its parcels are still tracked."""
    from orderhub.ops.actions import set_carrier_paused

    run_with_hub(config, lambda hub: set_carrier_paused(hub, carrier, True, reason=reason, operator=operator))
    console.print(f"paused carrier {carrier}")


@carriers.command()
def resume(carrier: str, operator: Operator = "cli", config: ConfigOpt = None) -> None:
    """Use a paused carrier again."""
    from orderhub.ops.actions import set_carrier_paused

    run_with_hub(config, lambda hub: set_carrier_paused(hub, carrier, False, reason=None, operator=operator))
    console.print(f"resumed carrier {carrier}")
