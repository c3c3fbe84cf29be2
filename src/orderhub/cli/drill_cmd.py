"""``orderhub drill NAME``: rehearse an emergency on the sandbox (see :mod:`orderhub.drills`)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from orderhub.cli.context import JsonOpt, fail
from orderhub.cli.output import console, print_json


def drill(name: Annotated[str, typer.Argument(help="carrier_outage, rate_limit_storm, bad_payload_flood, "
                                                   "credentials_revoked or database_restart.")],
          folder: Annotated[Path, typer.Option(help="Where the drill writes its config, secrets and database.")] = Path("drill"),
          db: Annotated[str | None, typer.Option(help="Database URL (default: SQLite in the folder); a PostgreSQL "
                                                     "database is used as it is: give one of its own.")] = None,
          orders: Annotated[int, typer.Option(min=5, max=5000, help="Orders per shop before the fault, and again "
                                                                     "during it.")] = 30,
          timeout: Annotated[float, typer.Option(help="Seconds each phase may take.")] = 120.0,
          as_json: JsonOpt = False) -> None:
    """Inject a fault into the sandbox, run the daemon through it, and show what was detected, what
    the playbook did, how long recovery took, and that every order and push is accounted for."""
    from dataclasses import replace

    from orderhub.drills import DRILLS, run

    if name not in DRILLS:
        fail(f"no drill {name!r}; the drills are {', '.join(DRILLS)}", 2)
    if folder.exists() and any(folder.iterdir()):
        fail(f"{folder} is not empty: a drill starts from nothing (give another --folder)", 2)
    report = asyncio.run(run(replace(DRILLS[name], orders=orders), folder, db=db, timeout=timeout))
    if as_json:
        print_json(report)
    else:
        _print(report)
    if not report.get("ok"):
        raise typer.Exit(1)


def _print(r: dict) -> None:
    console.print(f"[bold]drill {r['drill']}[/bold]: {r['fault']}", highlight=False)
    for t, text in r["timeline"]:
        console.print(f"  {t:>6.1f} s  {text}", highlight=False)
    for inc in r.get("incidents", []):
        console.print(f"detected: #{inc['id']} {inc['kind']} {inc['subject']} — {inc['title']}", highlight=False)
        console.print("  impact: " + ", ".join(f"{k} {v}" for k, v in inc["impact"].items()), highlight=False)
        for a in inc["actions"]:
            console.print(f"  playbook: {a}", highlight=False)
    if r.get("ok"):
        console.print(f"detected {r['detected_after_s']} s after the fault; resolved {r['recovered_after_s']} s after "
                      f"it cleared; backlog drained {r['drained_after_s']} s after", highlight=False)
    a = r["accounts"]
    console.print(f"accounted: {a['orders_at_shops']} orders at the shops, {a['stored']} stored once, "
                  f"{a['quarantined']} quarantined with their error; pushes {a['pushes']}; {a['shipments']} shipments, "
                  f"{a['labels']} labels ({', '.join(f'{k} {v}' for k, v in a['carriers'].items())}), "
                  f"{a['fallbacks']} given to a fallback carrier", highlight=False)
    for p in a["problems"]:
        console.print(f"[red]problem[/red]: {p}", highlight=False)
    console.print("[green]drill passed[/green]" if r.get("ok") else f"[red]drill failed[/red]: {r.get('failure', 'see the problems')}")
