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


def _reports() -> dict[str, Callable[..., Awaitable[Report]]]:
    from .carriers import carriers
    from .operators import operators
    from .process import process
    from .sales import sales
    from .stock import stock

    return {"sales": sales, "process": process, "operators": operators, "carriers": carriers, "stock": stock}


def names() -> list[str]:
    return list(_reports())


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
    build = _reports().get(name)
    if build is None:
        raise ConfigError(f"no report named {name!r}; the reports are: {', '.join(names())}")
    for store in filter(None, [p.store]):
        hub.store_config(store)  # a ConfigError naming the configured stores
    async with hub.engine.begin() as conn:
        await facts.refresh(conn)
    async with hub.engine.connect() as conn:
        return await build(conn, p, settings(hub))
