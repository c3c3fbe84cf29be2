"""Shared CLI plumbing: the --config option, opening the hub, exit codes."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from orderhub.errors import ConfigError, RecordError
from orderhub.cli.output import err_console

if TYPE_CHECKING:  # imported when a command runs, not at start: ``--help`` needs none of them
    from orderhub.db.orders import OrderFilter
    from orderhub.hub import Hub

T = TypeVar("T")

ConfigOpt = Annotated[
    Path | None,
    typer.Option("--config", "-c", help="Config file (default: $ORDERHUB_CONFIG, then ./orderhub.toml)."),
]
JsonOpt = Annotated[bool, typer.Option("--json", metavar="", help="Print JSON for scripts instead of a table.")]


def fail(message: str, code: int = 1) -> None:
    err_console.print(f"[red]error:[/red] {message}")
    raise typer.Exit(code)


class LogLevel(StrEnum):
    debug = "debug"
    info = "info"
    warning = "warning"
    error = "error"


#: ``orderhub --log-level``: overrides the config's level for this command.
LOG_LEVEL: str | None = None


def config_problems(problems: list[str]) -> None:
    """Every configuration problem the same way, one ``✗`` line each on stderr; exit 2."""
    for line in problems:
        err_console.print(f"[red]✗[/red] {line}", highlight=False)
    raise typer.Exit(2)


def load_hub(config: Path | None) -> Hub:
    """The config loaded and the hub built (plugins configured), or exit 2 naming every problem."""
    from orderhub.config import load_config
    from orderhub.hub import Hub

    try:
        return Hub(load_config(config))
    except ConfigError as exc:
        config_problems(str(exc).splitlines())
    raise AssertionError("unreachable")


def open_hub(config: Path | None) -> Hub:
    from orderhub.logging import configure

    hub = load_hub(config)
    configure(hub.config.logging.format, LOG_LEVEL or hub.config.logging.level)
    hub.migrate()
    return hub


def run_with_hub(config: Path | None, fn: Callable[[Hub], Awaitable[T]]) -> T:
    """Open the hub, run ``fn`` in an event loop, close the hub; typed errors become exit codes."""
    hub = open_hub(config)

    async def main() -> T:
        try:
            return await fn(hub)
        finally:
            await hub.aclose()

    try:
        return asyncio.run(main())
    except ConfigError as exc:
        config_problems(str(exc).splitlines())
    except RecordError as exc:
        fail(str(exc), 1)
    raise AssertionError("unreachable")


StoreOpt = Annotated[str | None, typer.Option(help="Only this store.")]
SinceOpt = Annotated[datetime | None, typer.Option(help="Placed on or after this UTC date or time (2026-12-01).")]
UntilOpt = Annotated[datetime | None, typer.Option(help="Placed before this UTC date or time.")]
CustomerOpt = Annotated[str | None, typer.Option(help="Part of the customer's email or name, any case.")]
#: Ids and counts stay within a 64-bit column: a bigger number is refused by the parser, not by the database.
MAX_ID = 2**63 - 1
OffsetOpt = Annotated[int, typer.Option(min=0, max=MAX_ID, help="Skip this many (with --limit: the next page).")]


def order_filter(hub: Hub, *, store: str | None = None, status: str | None = None, since: datetime | None = None,
                 until: datetime | None = None, customer: str | None = None) -> OrderFilter:
    """The listing filter from the command's options, with the store checked against the config."""
    from orderhub.db.orders import OrderFilter

    known_store(hub, store)
    if since and until and since >= until:
        raise ConfigError(f"--since {since:%Y-%m-%d %H:%M} is not before --until {until:%Y-%m-%d %H:%M}")
    return OrderFilter(store=store, status=status, since=since, until=until, customer=customer)


def known_store(hub: Hub, store: str | None) -> None:
    """Refuse a ``--store`` naming no configured store (exit 2), instead of an empty list."""
    if store is not None:
        try:
            hub.store_config(store)
        except ConfigError as exc:  # names the store and the configured ones
            fail(str(exc), 2)
