"""Making a report: the facts brought up to date, then the report's queries on a read connection."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from typing import Any

from orderhub.extend import ConfigError, parse_settings

from . import facts
from .model import Params, Report
from .periods import BY, zone
from .settings import Settings


def _builtin() -> dict[str, Callable[..., Awaitable[Report]]]:
    from .carriers import carriers
    from .operators import operators
    from .process import process
    from .sales import sales
    from .stock import stock

    return {"sales": sales, "process": process, "operators": operators, "carriers": carriers, "stock": stock}


_plugins: dict[str, Callable[..., Awaitable[Report]]] = {}


def collect(hub: Any) -> None:
    """The reports other plugins add (``register_reports``): after the built-ins, by name."""
    found: dict[str, Callable[..., Awaitable[Report]]] = {}

    def register(name: str, build: Callable[..., Awaitable[Report]]) -> None:
        if name in _builtin() or name in found:
            raise ConfigError(f"a plugin registers the report {name!r} twice, or over a built-in one")
        found[name] = build
    hub.plugins.hook.register_reports(register=register)
    _plugins.clear()
    _plugins.update(sorted(found.items()))


def names() -> list[str]:
    return [*_builtin(), *_plugins]


def params(*, first: date | None = None, last: date | None = None, by: str = "day", tz: str = "UTC",
           store: str | None = None, channel: str | None = None) -> Params:
    """Checked parameters; without dates, the 30 days to today in ``tz``. Refuses what it cannot
    use with a ConfigError that names the option."""
    try:
        zinfo = zone(tz)
    except ValueError as exc:
        raise ConfigError(f"--tz: {exc}") from None
    if by not in BY:
        raise ConfigError(f"--by must be one of {', '.join(BY)}, not {by!r}")
    last = last or datetime.now(zinfo).date()
    first = first or last - timedelta(days=29)
    if last < first:
        raise ConfigError(f"--to {last} is before --from {first}")
    return Params(first, last, by, tz, store, channel)


def settings(hub: Any) -> Settings:
    """``[plugins.reports]``, checked (a ConfigError lists every problem)."""
    return parse_settings(Settings, hub.config.plugins.get("reports", {}), key="plugins.reports")


async def make(hub: Any, name: str, p: Params) -> Report:
    if not _plugins:
        collect(hub)
    build = _builtin().get(name)
    plugin_build = _plugins.get(name)
    if build is None and plugin_build is None:
        raise ConfigError(f"no report named {name!r}; the reports are: {', '.join(names())}")
    for store in filter(None, [p.store]):
        hub.store_config(store)  # a ConfigError naming the configured stores
    async with hub.engine.begin() as conn:
        await facts.refresh(conn)
    async with hub.engine.connect() as conn:
        if plugin_build is not None:
            return await plugin_build(conn, p, hub)
        return await build(conn, p, settings(hub))
