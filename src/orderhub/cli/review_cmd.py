"""``orderhub review``: the queue of held orders, and the operator's decisions."""

from __future__ import annotations

from typing import Annotated

import typer

from .. import operations
from ..db import review
from .context import ConfigOpt, JsonOpt, known_store, run_with_hub
from .output import console, emit, print_json

app = typer.Typer(help="Held orders waiting for a human.", no_args_is_help=True)
Operator = Annotated[str, typer.Option("--operator", help="Who decides (kept in the event log).")]
Reason = Annotated[str | None, typer.Option("--reason", help="Why (kept in the event log).")]


@app.command("list")
def list_(config: ConfigOpt = None, store: Annotated[str | None, typer.Option()] = None,
          reason: Annotated[str | None, typer.Option(help="Only this reason code.")] = None,
          limit: Annotated[int, typer.Option(min=1, help="At most this many.")] = 100,
          as_json: JsonOpt = False) -> None:
    """Held orders, oldest first, with their reason codes."""
    async def go(hub):
        known_store(hub, store)
        async with hub.engine.connect() as conn:
            return await review.list_reviews(conn, store=store, reason=reason, limit=limit)
    rows = run_with_hub(config, go)
    for r in rows:
        r["codes"] = [x["code"] for x in r["reasons"]]
    if as_json:
        print_json(rows)
        return
    for r in rows:
        r["why"] = "; ".join(f"{x['code']}: {x['message']}" for x in r["reasons"])
    emit(rows, ["order_id", "store", "external_id", "step", "created_at", "why"], as_json=False, title="review queue")


@app.command()
def approve(ref: str, operator: Operator, reason: Reason = None, config: ConfigOpt = None,
            as_json: JsonOpt = False) -> None:
    """Release a held order: it resumes the chain after the step that held it."""
    out = run_with_hub(config, lambda hub: operations.approve(hub, ref, operator=operator, reason=reason))
    if as_json:
        print_json(out)
        return
    console.print(f"approved {out['order_id']} (held by {out['step']}): {out['next']}")


@app.command()
def reject(ref: str, operator: Operator, reason: Reason = None, config: ConfigOpt = None,
           as_json: JsonOpt = False) -> None:
    """Cancel a held order; the cancellation is pushed to its channel."""
    out = run_with_hub(config, lambda hub: operations.reject(hub, ref, operator=operator, reason=reason))
    print_json(out) if as_json else console.print(f"rejected {out['order_id']}: cancelled, cancellation queued")
