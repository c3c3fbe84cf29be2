"""The read-ahead of a store's next page: used when asked with its cursor, dropped otherwise, and its
error is the error of the fetch that claims it."""

import asyncio

import pytest

from orderhub.intake.connector import Page, RawRecord
from orderhub.errors import TransientError
from orderhub.intake.prefetch import PagePrefetcher


class PagedSource:
    """Three pages; ``fail_at`` makes one cursor's fetch fail."""

    store = "shop"
    read_ahead = True

    def __init__(self, fail_at: str | None = None) -> None:
        self.asked: list[str | None] = []
        self.fail_at = fail_at

    async def fetch_orders(self, cursor):
        self.asked.append(cursor)
        await asyncio.sleep(0.01)
        if self.fail_at is not None and cursor == self.fail_at:
            raise TransientError("shop answered 503", code="http_503")
        n = int(cursor or 0)
        return Page([RawRecord({"id": n}, external_id=str(n))], cursor=str(n + 1), has_more=n < 2)


async def test_the_next_page_is_asked_for_once_while_the_current_one_is_worked_on():
    src, ahead = PagedSource(), PagePrefetcher()
    pages = []
    cursor = None
    while True:
        page = await ahead.fetch(src, cursor)
        pages.append(page.records[0].external_id)
        await asyncio.sleep(0.02)  # the store's work on the page; the read-ahead runs meanwhile
        cursor = page.cursor
        if not page.has_more:
            break
    assert pages == ["0", "1", "2"]
    assert src.asked == [None, "1", "2"]  # each page requested exactly once


async def test_a_read_ahead_for_another_cursor_is_dropped_and_the_page_asked_again():
    src, ahead = PagedSource(), PagePrefetcher()
    await ahead.fetch(src, None)  # reads ahead at "1"
    page = await ahead.fetch(src, "2")  # the store moved elsewhere (a restart, a reset)
    assert page.records[0].external_id == "2"
    assert src.asked[-1] == "2"
    ahead.drop()


async def test_a_failed_read_ahead_fails_the_fetch_that_claims_it():
    src, ahead = PagedSource(fail_at="1"), PagePrefetcher()
    await ahead.fetch(src, None)
    with pytest.raises(TransientError, match="503"):
        await ahead.fetch(src, "1")


async def test_a_connector_can_refuse_read_ahead():
    src, ahead = PagedSource(), PagePrefetcher()
    src.read_ahead = False
    await ahead.fetch(src, None)
    await asyncio.sleep(0.03)
    assert src.asked == [None]
