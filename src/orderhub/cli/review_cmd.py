"""``orderhub review``: the queue of held orders, and the operator's decisions."""

from __future__ import annotations

from typing import Annotated

import typer

from orderhub.cli.context import (ConfigOpt, CustomerOpt, JsonOpt, OffsetOpt, SinceOpt, StoreOpt, UntilOpt, fail, order_filter,
                      run_with_hub)
from orderhub.cli.output import console, emit, err_console, print_json

app = typer.Typer(help="Held orders waiting for a human.", no_args_is_help=True)
Operator = Annotated[str, typer.Option("--operator", help="Who decides (kept in the event log).")]
Reason = Annotated[str | None, typer.Option("--reason", help="Why (kept in the event log).")]


@app.command("list")
def list_(config: ConfigOpt = None, store: StoreOpt = None,
          reason: Annotated[str | None, typer.Option(help="Only this reason code.")] = None,
          since: SinceOpt = None, until: UntilOpt = None, customer: CustomerOpt = None,
          limit: Annotated[int, typer.Option(min=1, max=100_000, help="At most this many.")] = 100, offset: OffsetOpt = 0,
          as_json: JsonOpt = False) -> None:
    """Held orders, oldest first, with their reason codes."""
    from orderhub.db import review

    async def go(hub):
        where = order_filter(hub, store=store, since=since, until=until, customer=customer)
        async with hub.engine.connect() as conn:
            rows = await review.list_reviews(conn, reason=reason, where=where, limit=limit, offset=offset)
            total = await review.count_reviews(conn, reason=reason, where=where)
            if reason and not total:
                _unknown_reason(reason, await review.open_reason_counts(conn))
            return rows, total
    rows, total = run_with_hub(config, go)
    for r in rows:
        r["codes"] = [x["code"] for x in r["reasons"]]
    if as_json:
        print_json(rows)
        return
    for r in rows:
        r["why"] = "; ".join(f"{x['code']}: {x['message']}" for x in r["reasons"])
    emit(rows, ["order_id", "store", "external_id", "step", "created_at", "why"], as_json=False, title="review queue",
         total=total, offset=offset)


Refs = Annotated[list[str] | None, typer.Argument(help="Orders: id, store:external_id, external id or number.",
                                                  show_default=False)]
Code = Annotated[str | None, typer.Option("--code", help="Every order held for this reason code (with --store).")]
Yes = Annotated[bool, typer.Option("--yes", metavar="", help="Carry out a --code decision (without it: only say what it would do).")]


@app.command()
def approve(refs: Refs = None, operator: Operator = ..., reason: Reason = None, code: Code = None,
            store: StoreOpt = None, yes: Yes = False, config: ConfigOpt = None, as_json: JsonOpt = False) -> None:
    """Release held orders: each resumes the chain after the step that held it."""
    _decide("approve", refs, code, store, yes, operator, reason, config, as_json)


@app.command()
def reject(refs: Refs = None, operator: Operator = ..., reason: Reason = None, code: Code = None,
           store: StoreOpt = None, yes: Yes = False, config: ConfigOpt = None, as_json: JsonOpt = False) -> None:
    """Cancel held orders; each cancellation is pushed to its channel."""
    _decide("reject", refs, code, store, yes, operator, reason, config, as_json)


def _unknown_reason(code: str, held_for: dict[str, int]) -> None:
    """Say which reason codes there are when a filter names one no held order has (a typo, usually)."""
    known = ", ".join(f"{c} ({n})" for c, n in sorted(held_for.items(), key=lambda kv: -kv[1])) or "none"
    err_console.print(f"[yellow]no held order has reason code {code!r}[/yellow]; held for: {known}", highlight=False)


def _decide(decision: str, refs: list[str] | None, code: str | None, store: str | None, yes: bool, operator: str,
            reason: str | None, config, as_json: bool) -> None:
    from orderhub.ops import actions as operations
    from orderhub.db import review

    if bool(refs) == bool(code):
        fail("name the orders, or select them with --code REASON (not both)", 2)
    if store and not code:
        fail("--store selects orders only with --code", 2)

    async def go(hub):
        chosen = refs or await operations.held_orders(hub, code=code, where=order_filter(hub, store=store))
        if code and not chosen:
            async with hub.engine.connect() as conn:
                _unknown_reason(code, await review.open_reason_counts(conn))
        if code and not yes:
            return {"decision": decision, "would_decide": chosen}
        return await operations.decide_all(hub, decision, chosen, operator=operator, reason=reason)
    out = run_with_hub(config, go)
    if as_json:
        print_json(out)
    elif "would_decide" in out:
        n = len(out["would_decide"])
        console.print(f"{n} order(s) held for {code}{f' in {store}' if store else ''} would be {decision}d: "
                      f"{', '.join(out['would_decide'][:10])}{' …' if n > 10 else ''}\nadd --yes to {decision} them")
    else:
        for d in out["decided"]:
            if decision == "approve":
                console.print(f"approved {d['order_id']} (held by {d['step']}): {d['next']}")
            else:
                console.print(f"rejected {d['order_id']}: cancelled, cancellation queued")
        for s in out["skipped"]:
            err_console.print(f"[yellow]skipped[/yellow] {s['ref']}: {s['error']}")
        if len(out["decided"]) + len(out["skipped"]) > 1:
            console.print(f"{decision}d {len(out['decided'])}, skipped {len(out['skipped'])}")
    if out.get("skipped") and not out.get("decided"):
        raise typer.Exit(1)
