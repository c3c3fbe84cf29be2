"""Read-ahead of a store's next page while the current one is being stored.

A pull alternates between waiting for the marketplace and working on what it sent. Asking for page
k+1 as soon as page k has arrived lets the marketplace prepare its answer (and the network carry
it) while page k is normalized and written, instead of after. Only the request is early: page k+1
is stored in its own step, from the cursor page k committed, so a crash loses nothing — an
unclaimed read-ahead is simply dropped and the page is asked for again.

One read-ahead per store at a time, so a store still never has more than one request of its pull
in flight, and the store's pacing (rate limits, Retry-After) applies to it as to any request.

What is read ahead is whatever ``read`` makes of the page: the runtime normalizes it too
(:func:`orderhub.intake.ingest.pull_page`), so mapping page k+1 overlaps the commit of page k,
which waits on the disk with the GIL let go.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, Generic, Protocol, TypeVar

from orderhub.intake.connector import Connector


class _Paged(Protocol):
    cursor: str | None
    has_more: bool


P = TypeVar("P", bound=_Paged)


async def _fetch(connector: Connector, cursor: str | None) -> Any:
    return await connector.fetch_orders(cursor)


class PagePrefetcher(Generic[P]):
    """Holds at most one early read per store, keyed by the cursor it was asked with. ``read``
    turns a cursor into a page (default: the connector's ``fetch_orders``)."""

    def __init__(self, read: Callable[[Connector, str | None], Awaitable[P]] = _fetch) -> None:
        self._read = read
        self._ahead: dict[str, tuple[str | None, asyncio.Task[P]]] = {}

    async def fetch(self, connector: Connector, cursor: str | None) -> P:
        """The page at ``cursor``: the read-ahead if it was asked with this cursor, else a new read.
        When the page says there is more, the next one is read at once."""
        page = await self._claim(connector.store, cursor) or await self._read(connector, cursor)
        if page.has_more and page.cursor is not None and connector.read_ahead:
            task = asyncio.create_task(self._read(connector, page.cursor), name=f"read-ahead {connector.store}")
            task.add_done_callback(_retrieve)
            self._ahead[connector.store] = (page.cursor, task)
        return page

    async def _claim(self, store: str, cursor: str | None) -> P | None:
        ahead = self._ahead.pop(store, None)
        if ahead is None:
            return None
        asked_with, task = ahead
        if asked_with != cursor:  # the store moved on another way (a restart, a reset): not this page
            task.cancel()
            return None
        return await task  # its error, if any, is this fetch's error

    def drop(self, store: str | None = None) -> None:
        """Cancel read-aheads (of one store, or all) that nobody will claim."""
        for name in [store] if store is not None else list(self._ahead):
            ahead = self._ahead.pop(name, None)
            if ahead:
                ahead[1].cancel()


def _retrieve(task: asyncio.Task[Any]) -> None:
    # A read-ahead that fails and is then dropped must not log "exception never retrieved".
    if not task.cancelled():
        task.exception()
