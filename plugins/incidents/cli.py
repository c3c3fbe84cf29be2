"""``orderhub incidents``: the register from the command line."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from orderhub import ConfigOpt, JsonOpt  # light: ``orderhub --help`` builds these commands

IncidentId = Annotated[int, typer.Argument(min=1, max=2**31 - 1, help="The incident's id (incidents list).")]


def _print(value: Any) -> None:
    import orjson

    typer.echo(orjson.dumps(value, option=orjson.OPT_INDENT_2, default=str).decode())


def register(cli: Any) -> None:
    app = typer.Typer(help="Incidents: what went wrong, since when, its impact, what was done.", no_args_is_help=True)
    cli.add_typer(app, name="incidents")

    @app.command("list")
    def list_(all_: Annotated[bool, typer.Option("--all", help="Resolved ones too.")] = False,
              kind: Annotated[str | None, typer.Option(help="Only this kind (store_paused, carrier_failing, …).")] = None,
              limit: Annotated[int, typer.Option(min=1, max=100_000)] = 100,
              config: ConfigOpt = None, as_json: JsonOpt = False) -> None:
        """Open incidents, newest first (with --all, resolved ones too)."""
        from orderhub.extend import emit_rows, run_command

        from .store import COLUMNS, listing

        async def go(hub: Any) -> Any:
            async with hub.engine.connect() as conn:
                return await listing(conn, status=None if all_ else "open", kind=kind, limit=limit)

        rows = run_command(config, go)
        if not as_json:
            rows = [{**r, "impact": ", ".join(f"{k} {v}" for k, v in r["impact"].items())} for r in rows]
        emit_rows(rows, COLUMNS, as_json=as_json, title="incidents")

    @app.command()
    def show(incident_id: IncidentId, config: ConfigOpt = None, as_json: JsonOpt = False) -> None:
        """One incident: what, since when, impact, actions, details."""
        from orderhub.extend import ConfigError, run_command

        from .store import one

        async def go(hub: Any) -> Any:
            async with hub.engine.connect() as conn:
                found = await one(conn, incident_id)
            if found is None:
                raise ConfigError(f"no incident {incident_id}")
            return found

        inc = run_command(config, go)
        if as_json:
            _print(inc)
            return
        typer.echo(f"#{inc['id']} {inc['status']}  {inc['kind']} {inc['subject']}\n{inc['title']}")
        typer.echo(f"since {inc['since']:%Y-%m-%d %H:%M:%S} UTC, detected {inc['opened_at']:%H:%M:%S}"
                   + (f", resolved {inc['resolved_at']:%Y-%m-%d %H:%M:%S} by {inc['resolved_by']}"
                      if inc["resolved_at"] else ""))
        typer.echo("impact: " + ", ".join(f"{k} {v}" for k, v in inc["impact"].items()))
        for a in inc["actions"]:
            typer.echo(f"  - {a.get('what')} ({a.get('by')})")
        for k, v in inc["details"].items():
            typer.echo(f"  {k}: {v}")

    @app.command()
    def resolve(incident_id: IncidentId, operator: Annotated[str, typer.Option(help="Who closes it.")],
                note: Annotated[str | None, typer.Option(help="What was done (kept with it).")] = None,
                config: ConfigOpt = None, as_json: JsonOpt = False) -> None:
        """Close an incident by hand (if its condition still holds, the next pass opens a new one)."""
        from orderhub.extend import RecordError, run_command

        from .register import NotOpen, resolve as do_resolve

        async def go(hub: Any) -> Any:
            try:
                return await do_resolve(hub, incident_id, operator=operator, note=note)
            except NotOpen as exc:
                raise RecordError(str(exc), code="not_open") from None

        inc = run_command(config, go)
        _print(inc) if as_json else typer.echo(f"resolved #{incident_id}")

    @app.command()
    def detect(config: ConfigOpt = None, as_json: JsonOpt = False) -> None:
        """Run the detectors now: open, update and resolve incidents; send alerts."""
        from orderhub.extend import run_command

        from .register import sweep
        from .samples import flush
        from .settings import settings

        async def go(hub: Any) -> Any:
            await flush(hub)
            return await sweep(hub, settings(hub))

        out = run_command(config, go)
        if as_json:
            _print(out)
            return
        for i in out["opened"]:
            typer.echo(f"opened   #{i['id']} {i['title']}")
        for i in out["resolved"]:
            typer.echo(f"resolved #{i['id']} {i['title']}")
        typer.echo(f"{len(out['opened'])} opened, {len(out['resolved'])} resolved, {out['still_open']} still open")
