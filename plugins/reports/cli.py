"""``orderhub report NAME``: a table on a terminal, JSON or CSV for scripts, a chart, an HTML page."""

from __future__ import annotations

import csv
import io
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from orderhub import ConfigOpt, JsonOpt  # light: ``orderhub --help`` builds this command


def register(cli: Any) -> None:
    @cli.command("report")
    def report(
        name: Annotated[str, typer.Argument(help="sales, process, operators, carriers, stock, or a plugin's "
                                                 "(feedback).")],
        config: ConfigOpt = None,
        store: Annotated[str | None, typer.Option(help="Only this store.")] = None,
        channel: Annotated[str | None, typer.Option(help="Only this channel (shopify, woocommerce, files, …).")] = None,
        first: Annotated[datetime | None, typer.Option("--from", formats=["%Y-%m-%d"],
                                                       help="First local day, inclusive (default: 29 days before --to).")] = None,
        last: Annotated[datetime | None, typer.Option("--to", formats=["%Y-%m-%d"],
                                                      help="Last local day, inclusive (default: today).")] = None,
        by: Annotated[str, typer.Option(help="Period: day, week (Monday first) or month.")] = "day",
        tz: Annotated[str, typer.Option(help="Time zone of the days (IANA name).")] = "UTC",
        as_json: JsonOpt = False,
        as_csv: Annotated[bool, typer.Option("--csv", help="Print the main table as CSV.")] = False,
        chart: Annotated[Path | None, typer.Option(help="Write the chart here (.png or .svg).")] = None,
        html: Annotated[Path | None, typer.Option(help="Write one self-contained HTML page here.")] = None,
    ) -> None:
        """A report from what orderhub recorded. Money per currency, never summed across currencies."""
        from orderhub.extend import ConfigError, emit_rows, run_command

        from . import charts, page, service

        async def go(hub: Any) -> Any:
            p = service.params(first=first.date() if first else None, last=last.date() if last else None, by=by,
                               tz=tz, store=store, channel=channel)
            made = await service.make(hub, name, p)
            try:
                if chart:
                    charts.save(made, chart)
            except ValueError as exc:
                raise ConfigError(str(exc)) from None
            return made

        made = run_command(config, go)
        if html:
            html.parent.mkdir(parents=True, exist_ok=True)
            html.write_text(page.page([made], f"orderhub {made.name} report"), encoding="utf-8")
        if as_json:
            import orjson

            sys.stdout.write(orjson.dumps(made.as_json(), option=orjson.OPT_INDENT_2).decode() + "\n")
        elif as_csv:
            main = made.tables[0]
            out = io.StringIO()
            writer = csv.DictWriter(out, fieldnames=main.columns, extrasaction="ignore", lineterminator="\n")
            writer.writeheader()
            writer.writerows(main.rows)
            sys.stdout.write(out.getvalue())
        else:
            for table in made.tables:
                emit_rows(table.rows, table.columns, as_json=False, title=table.title)
        for path in filter(None, [chart, html]):
            typer.echo(f"wrote {path}", err=True)
