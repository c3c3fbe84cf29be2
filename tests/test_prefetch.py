"""The read-ahead of a store's next page: used when asked with its cursor, dropped otherwise, and its
error is the error of the fetch that claims it."""

import asyncio
import json

import pytest

from orderhub.db.orders import get_cursor
from orderhub.intake.connector import Page, RawRecord
from orderhub.errors import TransientError
from orderhub.intake.ingest import ORDERS_STREAM, ingest_page, pull_page
from orderhub.intake.prefetch import PagePrefetcher

from .conftest import FIXTURE
from .helpers import make_hub


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


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_the_runtime_reads_the_next_page_ahead_already_normalized(engine, db_url, tmp_path):
    """The runtime's read-ahead maps page k+1 while page k is stored (issue #16): what it hands
    over is normalized, bad records already refused, and stores with its cursor like a page."""
    hub = make_hub(db_url, [], engine=engine, stores={"shop": {"connector": "files", "path": str(tmp_path)}})
    connector = hub.connector("shop")
    good = json.loads(FIXTURE.read_text())
    pages = {None: Page([RawRecord(good, "A-1001", "a.json"), RawRecord({"external_id": "X"}, "X", "x.json")],
                        cursor="1", has_more=True),
             "1": Page([RawRecord({**good, "external_id": "A-1002"}, "A-1002", "b.json")], cursor="2",
                       has_more=False)}
    asked = []

    async def fetch_orders(cursor):
        asked.append(cursor)
        return pages[cursor]

    connector.fetch_orders = fetch_orders
    ahead = PagePrefetcher(pull_page)
    first = await ahead.fetch(connector, None)
    assert [it.order.external_id for it in first.normalized.good] == ["A-1001"]
    assert [(rec.external_id, exc.code) for rec, exc in first.normalized.bad] == [("X", "invalid_field")]
    async with engine.begin() as conn:
        stored = await ingest_page(conn, connector, first)
    assert (stored.inserted, stored.quarantined, stored.has_more) == (1, 1, True)
    second = await ahead.fetch(connector, "1")
    assert asked == [None, "1"]  # the second page was read once, ahead
    assert [it.order.external_id for it in second.normalized.good] == ["A-1002"]
    async with engine.begin() as conn:
        stored = await ingest_page(conn, connector, second)
        cursor = await get_cursor(conn, "shop", ORDERS_STREAM)
    assert (stored.inserted, stored.has_more, cursor) == (1, False, "2")
