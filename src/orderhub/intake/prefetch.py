"""Read-ahead of a store's next page while the current one is being stored.

A pull alternates between waiting for the marketplace and working on what it sent. Asking for page
k+1 as soon as page k has arrived lets the marketplace prepare its answer (and the network carry
it) while page k is normalized and written, instead of after. Only the request is early: page k+1
is stored in its own step, from the cursor page k committed, so a crash loses nothing — an
unclaimed read-ahead is simply dropped and the page is asked for again.

One read-ahead per store at a time, so a store still never has more than one request of its pull
in flight, and the store's pacing (rate limits, Retry-After) applies to it as to any request.
"""

from __future__ import annotations

import asyncio
from typing import Any

from orderhub.intake.connector import Connector, Page


class PagePrefetcher:
    """Holds at most one early request per store, keyed by the cursor it was asked with."""

    def __init__(self) -> None:
        self._ahead: dict[str, tuple[str | None, asyncio.Task[Page]]] = {}

    async def fetch(self, connector: Connector, cursor: str | None) -> Page:
        """The page at ``cursor``: the read-ahead if it was asked with this cursor, else a new request.
        When the page says there is more, the next one is asked for at once."""
        page = await self._claim(connector.store, cursor) or await connector.fetch_orders(cursor)
        if page.has_more and page.cursor is not None and connector.read_ahead:
            task = asyncio.create_task(connector.fetch_orders(page.cursor), name=f"read-ahead {connector.store}")
            task.add_done_callback(_retrieve)
            self._ahead[connector.store] = (page.cursor, task)
        return page

    async def _claim(self, store: str, cursor: str | None) -> Page | None:
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
