"""``orderhub stores`` and ``orderhub pushes``: the emergency path — pause a store, retry what failed."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

import typer

from orderhub.cli.context import MAX_ID, ConfigOpt, JsonOpt, StoreOpt, fail, known_store, run_with_hub
from orderhub.cli.output import console, emit

stores = typer.Typer(help="Stores: state, pause, resume.", no_args_is_help=True)
pushes = typer.Typer(help="Outbound pushes: what is pending, what failed for good, retry it.", no_args_is_help=True)


@stores.command("list")
def list_stores(config: ConfigOpt = None, as_json: JsonOpt = False) -> None:
    """Every configured store with its connector, pause state and last sync."""
    from orderhub.db import stores as stores_db

    async def go(hub):
        async with hub.engine.connect() as conn:
            states = await stores_db.states(conn)
        return [{"store": name, "connector": sc.connector, "enabled": sc.enabled,
                 **{k: v for k, v in states.get(name, {}).items() if k != "store"}}
                for name, sc in hub.config.stores.items()]
    emit(run_with_hub(config, go), ["store", "connector", "enabled", "paused", "paused_reason", "last_result",
                                    "last_sync_at", "last_error"], as_json=as_json, title="stores")


def _set_paused(config, store: str, paused: bool, reason: str | None) -> None:
    from orderhub.ops.actions import set_store_paused

    run_with_hub(config, lambda hub: set_store_paused(hub, store, paused, reason=reason))


@stores.command()
def pause(store: str, reason: Annotated[str, typer.Option("--reason")] = "paused by an operator",
          config: ConfigOpt = None) -> None:
    """Stop syncing a store (its orders and pushes stay; nothing is lost)."""
    _set_paused(config, store, True, reason)
    console.print(f"paused {store}")


@stores.command()
def resume(store: str, config: ConfigOpt = None) -> None:
    """Sync a paused store again (for example after fixing its credentials)."""
    _set_paused(config, store, False, None)
    console.print(f"resumed {store}")


class PushState(StrEnum):
    pending = "pending"
    delivered = "delivered"
    dead = "dead"


@pushes.command("list")
def list_pushes(config: ConfigOpt = None, status: Annotated[PushState | None, typer.Option(
        help="Only pushes in this state.")] = None, store: StoreOpt = None,
                limit: Annotated[int, typer.Option(min=1, max=100_000, help="At most this many.")] = 100,
                as_json: JsonOpt = False) -> None:
    """Pushes with their state, attempts and last error."""
    from orderhub.db import pushes as push_store

    async def go(hub):
        async with hub.engine.connect() as conn:
            known_store(hub, store)
            return await push_store.list_pushes(conn, status=status.value if status else None, store=store,
                                                limit=limit)
    emit(run_with_hub(config, go), ["id", "store", "order_id", "kind", "target", "status", "attempts", "last_error"],
         as_json=as_json, title="pushes")


@pushes.command()
def retry(push_id: Annotated[int | None, typer.Argument(min=1, max=MAX_ID, help="Push id; omit to select dead "
                                                                               "pushes by the options.")] = None,
          all_dead: Annotated[bool, typer.Option("--all-dead", metavar="", help="Every dead push (of --store).")] = False,
          store: Annotated[str | None, typer.Option()] = None,
          target: Annotated[str | None, typer.Option(help="Only pushes to this target: channel, step:fulfil, "
                                                          "plugin:notify, ...")] = None,
          kind: Annotated[str | None, typer.Option(help="Only pushes of this kind: fulfilment, stock, shipment, ...")] = None,
          since: Annotated[datetime | None, typer.Option(help="Queued on or after this UTC date or time.")] = None,
          config: ConfigOpt = None) -> None:
    """Make dead pushes due again, one or every one matching; the next sync delivers them with
    their original idempotency key."""
    from orderhub.db import pushes as push_store
    from orderhub.ops.actions import retry_dead_pushes

    bulk = all_dead or any(v is not None for v in (store, target, kind, since))
    if (push_id is None) != bulk:
        fail("give a push id, or select dead pushes with --store, --target, --kind, --since or --all-dead "
             "(not both)", 2)

    async def go(hub):
        if push_id is None:
            known_store(hub, store)
            return len(await retry_dead_pushes(hub, store=store, target=target, kind=kind, since=since))
        async with hub.engine.begin() as conn:
            return int(await push_store.requeue(conn, push_id))
    n = run_with_hub(config, go)
    console.print(f"{n} push(es) queued again")
    if push_id is not None and n == 0:
        raise typer.Exit(1)
