"""``orderhub quarantine``: payloads that could not be imported, kept with their error."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

import typer

from orderhub.cli.context import MAX_ID, ConfigOpt, JsonOpt, StoreOpt, fail, known_store, run_with_hub
from orderhub.cli.output import console, emit, print_json

app = typer.Typer(help="Payloads that failed to parse or validate.", no_args_is_help=True)


class QuarantineState(StrEnum):
    open = "open"
    replayed = "replayed"
    dropped = "dropped"
    all = "all"


Since = Annotated[datetime | None, typer.Option(help="Quarantined on or after this UTC date or time.")]
ErrorCode = Annotated[str | None, typer.Option("--error-code", help="Only records with this error code "
                                                                    "(quarantine list shows them).")]


@app.command("list")
def list_(config: ConfigOpt = None, store: StoreOpt = None,
          status: Annotated[QuarantineState, typer.Option(help="Which records.")] = QuarantineState.open,
          since: Since = None, error_code: ErrorCode = None,
          limit: Annotated[int, typer.Option(min=1, max=100_000, help="At most this many.")] = 100,
          as_json: JsonOpt = False) -> None:
    """Quarantined payloads with the error and where they came from."""
    from orderhub.db import quarantine as q

    async def go(hub):
        known_store(hub, store)
        async with hub.engine.connect() as conn:
            return await q.list_quarantine(conn, store=store, status=None if status == "all" else status.value,
                                           limit=limit, since=since, error_code=error_code)
    emit(run_with_hub(config, go), ["id", "store", "external_id", "location", "error_code", "error", "attempts",
                                    "status"], as_json=as_json, title="quarantine")


@app.command()
def show(qid: Annotated[int, typer.Argument(min=1, max=MAX_ID, help="Record id.")], config: ConfigOpt = None, as_json: JsonOpt = False) -> None:
    """One quarantined payload, raw, with its error."""
    from orderhub.db import quarantine as q

    async def go(hub):
        async with hub.engine.connect() as conn:
            return await q.get_quarantined(conn, qid)
    row = run_with_hub(config, go)
    if row is None:
        fail(f"no quarantined record {qid}")
    if as_json:
        print_json(row)
        return
    console.print(f"[bold]#{row['id']}[/bold] {row['store']} {row['location'] or ''}  {row['status']}, "
                  f"{row['attempts']} attempt(s)")
    console.print(f"[red]{row['error_code']}[/red]: {row['error']}")
    print_json(row["raw"])


@app.command()
def replay(qid: Annotated[int | None, typer.Argument(min=1, max=MAX_ID, help="Record id; omit to select by "
                                                                            "--store, --since, --error-code or --all.")] = None,
           all_: Annotated[bool, typer.Option("--all", metavar="", help="Replay every open record (of --store).")] = False,
           store: Annotated[str | None, typer.Option()] = None, since: Since = None, error_code: ErrorCode = None,
           operator: str = "cli", config: ConfigOpt = None, as_json: JsonOpt = False) -> None:
    """Map quarantined payloads again (after a fix) and store those that now pass: one record, or
    every open one matching the filters."""
    from orderhub.ops import actions as operations

    bulk = all_ or store is not None or since is not None or error_code is not None
    if (qid is None) != bulk:
        fail("give a record id, or select records with --store, --since, --error-code or --all (not both)", 2)

    async def go(hub):
        if qid is not None:
            return [await operations.replay_quarantined(hub, qid, operator=operator)]
        known_store(hub, store)
        return await operations.replay_matching(hub, store=store, since=since, error_code=error_code,
                                                operator=operator)
    results = run_with_hub(config, go)
    if as_json:
        print_json(results)
    else:
        emit(results, ["id", "result", "order_id", "error"], as_json=False, title="replay")
    if any(r["result"] != "stored" for r in results):
        raise typer.Exit(1)


@app.command()
def drop(qid: Annotated[int, typer.Argument(min=1, max=MAX_ID, help="Record id.")], operator: Annotated[str, typer.Option("--operator")],
         reason: Annotated[str | None, typer.Option("--reason")] = None, config: ConfigOpt = None) -> None:
    """Give up on a quarantined payload (kept for audit, marked dropped)."""
    from orderhub.ops import actions as operations

    run_with_hub(config, lambda hub: operations.drop_quarantined(hub, qid, operator=operator, reason=reason))
    console.print(f"dropped #{qid}")
