"""Shared CLI plumbing: the --config option, opening the hub, exit codes."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from ..config import load_config
from ..errors import ConfigError, RecordError
from ..hub import Hub
from ..logging import configure
from .output import err_console

T = TypeVar("T")

ConfigOpt = Annotated[
    Path | None,
    typer.Option("--config", "-c", help="Config file (default: $ORDERHUB_CONFIG, then ./orderhub.toml)."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts instead of a table.")]


def fail(message: str, code: int = 1) -> None:
    err_console.print(f"[red]error:[/red] {message}")
    raise typer.Exit(code)


def open_hub(config: Path | None) -> Hub:
    try:
        cfg = load_config(config)
    except ConfigError as exc:
        fail(str(exc), 2)
    configure(cfg.logging.format, cfg.logging.level)
    hub = Hub(cfg)
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
        fail(str(exc), 2)
    except RecordError as exc:
        fail(str(exc), 1)
    raise AssertionError("unreachable")


def known_store(hub: Hub, store: str | None) -> None:
    """Refuse a ``--store`` filter naming no configured store (exit 2), instead of an empty list."""
    if store is not None:
        hub.store_config(store)  # raises the config error naming the store and the configured ones
