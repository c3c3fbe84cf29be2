"""Feedback pulled from the stores' connectors (``Connector.fetch_feedback``), at the end of each
store's sync (:func:`store_task`) or all at once (``orderhub feedback pull``): page by page from
each store's cursor, every row imported with the store as its source (so a row pulled twice is one
item), a record the connector cannot read quarantined with its reason. The cursor moves once a
page's rows are stored: a crash in between pulls the page again, and nothing is imported twice."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from orderhub.extend import CapabilityNotSupported, RecordError, get_logger

from .importer import Result, import_rows, quarantine_row
from .settings import settings
from .store import cursor as store_cursor
from .store import save_cursor

log = get_logger()
MAX_PAGES = 100  # a run's share; the next minute goes on from the cursor
_unsupported: set[str] = set()


async def pull(hub: Any, store: str) -> Result:
    connector = hub.connector(store)
    total = Result()
    async with hub.engine.connect() as conn:
        cursor, _ = await store_cursor(conn, store)
    for _ in range(MAX_PAGES):
        page = await connector.fetch_feedback(cursor)
        rows = []
        async with hub.engine.begin() as conn:
            for record, error in page.rejects:
                await quarantine_row(conn, store, record.raw, str(error), total)
            for record in page.records:
                try:
                    rows.append({"store": store, **connector.feedback_row(record)})
                except RecordError as exc:
                    await quarantine_row(conn, store, record.raw, f"{record.location or ''}: {exc}", total)
        total.add(await import_rows(hub, rows, source=store))
        cursor = page.cursor if page.cursor is not None else cursor
        await save_cursor(hub, store, cursor)  # also when nothing was new: when it last looked
        if not page.has_more:
            break
    return total


async def due(hub: Any, store: str, every: float) -> bool:
    """Whether ``store``'s feedback was last pulled at least ``every`` seconds ago (by any worker)."""
    async with hub.engine.connect() as conn:
        _, last = await store_cursor(conn, store)
    return last is None or (datetime.now(UTC) - last).total_seconds() >= every


async def store_task(hub: Any, store: str) -> dict[str, int] | None:
    """The feedback of one store, pulled at the end of its sync (``register_store_tasks``: in the
    store's turn, so never beside another worker's requests to it), at most every ``pull_every``
    (reviews are not orders: a few minutes late is soon enough, and each look costs requests)."""
    if store in _unsupported or not await due(hub, store, settings(hub).pull_every):
        return None
    try:
        got = await pull(hub, store)
    except CapabilityNotSupported:
        _unsupported.add(store)
        return None
    return {"new": len(got.new), "existing": got.existing, "quarantined": len(got.quarantined)}


async def pull_all(hub: Any) -> dict[str, Result]:
    """Every store whose connector has feedback, and the returns on the orders changed since the
    last pass (:mod:`.returns`, under ``"returns"``); one store failing does not stop the others."""
    from .returns import import_returns

    done = {}
    for store in hub.config.stores:
        if store in _unsupported:
            continue
        try:
            done[store] = await pull(hub, store)
        except CapabilityNotSupported:
            _unsupported.add(store)
        except Exception as exc:  # logged with the store; the next minute tries again
            log.warning("feedback_pull_failed", store=store, error=str(exc), error_type=type(exc).__name__)
    done["returns"] = await import_returns(hub)
    return done
