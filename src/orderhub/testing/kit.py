"""The conformance tests and the harness interface a connector package implements.

The kit needs no pytest settings of its own: its tests and fixtures carry pytest-asyncio's marks
(``pip install 'orderhub[testing]'`` brings pytest and pytest-asyncio), so it runs in a package
whose ``asyncio_mode`` is ``strict`` (the default) as in one where it is ``auto``.

What it asserts, beyond the canonical order's fields:

- a forged webhook raises ``RecordError`` with ``code == "forged_webhook"`` (what
  ``Connector.signed_order_webhook`` raises for a bad signature) and stores nothing;
- a ``fulfilment`` push carries ``tracking_number``, ``carrier`` (the carrier's display name),
  ``tracking_url`` and ``shipment_id``; delivered again with the same key after a lost response it
  is applied once. Either way of getting there passes: the connector raises ``TransientError``
  and the hub retries the push with the same key, or it retries inside the call (safe where the
  platform deduplicates by ``Idempotency-Key``) and succeeds.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
import sqlalchemy as sa

from orderhub.config import parse_config
from orderhub.intake.connector import Connector
from orderhub.db.schema import order_versions, orders, quarantine
from orderhub.errors import RecordError, TransientError
from orderhub.hub import Hub
from orderhub.intake.ingest import ingest_page
from orderhub.intake.webhooks import receive

STORE = "conformance"


class Harness(ABC):
    """Drives one emulated shop of the connector's platform."""

    #: orders per page the kit asks the connector for (small, so pagination is exercised)
    page_size: int = 25

    @abstractmethod
    def store_config(self) -> dict[str, Any]:
        """The ``[stores.conformance]`` table pointing the connector at the emulator (use ``page_size``)."""

    @abstractmethod
    def seed(self, count: int, *, malformed: float = 0.0) -> None:
        """Make the shop hold ``count`` orders, about ``malformed`` of them broken."""

    @abstractmethod
    def malformed_ids(self) -> set[str]:
        """External ids of the broken orders seeded."""

    @abstractmethod
    def all_ids(self) -> set[str]:
        """External ids of every order the shop holds."""

    @abstractmethod
    def add_orders(self, count: int) -> set[str]:
        """Create ``count`` new orders (changed after everything so far); return their external ids."""

    @abstractmethod
    def throttle_next(self, retry_after: float) -> None:
        """Answer the next request with 429 and this ``Retry-After``."""

    @abstractmethod
    def early_requests(self) -> int:
        """Requests that arrived before an announced ``Retry-After`` had expired."""

    @abstractmethod
    def signed_webhook(self, external_id: str, delivery_id: str) -> tuple[dict[str, str], bytes]:
        """Headers and body of a genuine order webhook, signed as the platform signs it."""

    @abstractmethod
    def drop_next_write(self) -> None:
        """Apply the next write, then drop the connection without answering."""

    @abstractmethod
    def fulfilments_applied(self, external_id: str) -> int:
        """How many fulfilments the platform recorded for this order."""

    def close(self) -> None:
        """Stop the emulator."""


async def _drain(connector: Connector, cursor: str | None = None, *, max_pages: int = 10_000) -> tuple[list[Any], str | None, int]:
    records, pages = [], 0
    while True:
        page = await connector.fetch_orders(cursor)
        pages += 1
        records += page.records
        cursor = page.cursor or cursor
        if not page.has_more:
            return records, cursor, pages
        if pages >= max_pages:
            raise AssertionError(f"pagination did not terminate after {max_pages} pages")


class ConnectorConformance:
    """Subclass in a test module and provide a ``harness`` fixture (see :class:`Harness`)."""

    pytestmark = [pytest.mark.asyncio, pytest.mark.conformance]

    @pytest_asyncio.fixture
    async def hub(self, harness: Harness, tmp_path: Path):
        cfg = parse_config({"database": {"url": f"sqlite:///{tmp_path / 'conformance.db'}"},
                            "stores": {STORE: harness.store_config()}})
        hub = Hub(cfg)
        hub.migrate()
        yield hub
        await hub.aclose()

    async def _ingest_all(self, hub: Hub, cursor: str | None = None) -> tuple[int, str | None]:
        connector = hub.connector(STORE)
        pages = 0
        while True:
            page = await connector.fetch_orders(cursor)
            pages += 1
            async with hub.engine.begin() as conn:
                await ingest_page(conn, connector, page)
            cursor = page.cursor or cursor
            if not page.has_more:
                return pages, cursor
            assert pages < 10_000, "pagination did not terminate"

    async def _count(self, hub: Hub, table: sa.Table) -> int:
        async with hub.engine.connect() as conn:
            return (await conn.execute(sa.select(sa.func.count()).select_from(table))).scalar_one()

    async def test_pagination_terminates_and_stores_every_order_once(self, harness: Harness, hub: Hub):
        harness.seed(harness.page_size * 4 + 7)
        records, _, pages = await _drain(hub.connector(STORE))
        assert {r.external_id for r in records} == harness.all_ids()
        assert pages >= 4
        await self._ingest_all(hub)
        assert await self._count(hub, orders) == len(harness.all_ids())
        assert await self._count(hub, order_versions) == len(harness.all_ids())  # each stored exactly once

    async def test_incremental_sync_round_trips_through_the_cursor(self, harness: Harness, hub: Hub):
        harness.seed(harness.page_size * 2)
        _, cursor = await self._ingest_all(hub)
        new = harness.add_orders(5)
        records, cursor2, _ = await _drain(hub.connector(STORE), cursor)
        fetched = {r.external_id for r in records}
        assert new <= fetched
        assert len(fetched) < len(harness.all_ids()), "an incremental pull re-read everything"
        again, _, pages = await _drain(hub.connector(STORE), cursor2)
        assert pages <= 2 and len(again) <= len(fetched)  # nothing new: a short pass, not a full re-read

    async def test_429_with_retry_after_is_waited_not_retried_early(self, harness: Harness, hub: Hub):
        harness.seed(3)
        harness.throttle_next(1.0)
        t0 = time.monotonic()
        records, _, _ = await _drain(hub.connector(STORE))
        assert time.monotonic() - t0 >= 0.95
        assert {r.external_id for r in records} == harness.all_ids()
        assert harness.early_requests() == 0

    async def test_malformed_order_is_quarantined_and_the_rest_stored(self, harness: Harness, hub: Hub):
        harness.seed(harness.page_size * 3, malformed=0.1)
        bad = harness.malformed_ids()
        assert bad, "the harness seeded no malformed order"
        await self._ingest_all(hub)
        async with hub.engine.connect() as conn:
            stored = set((await conn.execute(sa.select(orders.c.external_id))).scalars())
            quarantined = set((await conn.execute(sa.select(quarantine.c.external_id))).scalars())
            errors = list((await conn.execute(sa.select(quarantine.c.error))).scalars())
        assert quarantined == bad and stored == harness.all_ids() - bad
        assert all(":" in e for e in errors), f"errors should name the field: {errors}"

    async def test_forged_webhook_is_rejected_and_a_replay_ignored(self, harness: Harness, hub: Hub):
        harness.seed(2)
        ext = sorted(harness.all_ids())[0]
        headers, body = harness.signed_webhook(ext, "delivery-1")
        with pytest.raises(RecordError) as exc:
            await receive(hub, STORE, headers, body.replace(b"}", b', "forged": true}', 1))
        assert exc.value.code == "forged_webhook"
        first = await receive(hub, STORE, headers, body)
        again = await receive(hub, STORE, headers, body)
        assert (first.status, first.inserted) == ("stored", 1)
        assert again.status == "duplicate"
        assert await self._count(hub, orders) == 1

    async def test_push_retried_after_a_lost_response_does_not_duplicate(self, harness: Harness, hub: Hub):
        harness.seed(2)
        connector = hub.connector(STORE)
        records, _, _ = await _drain(connector)
        order = connector.normalize(next(r for r in records if r.external_id not in harness.malformed_ids()))
        payload = {"tracking_number": "1Z999AA10123456784", "carrier": "UPS",
                   "tracking_url": "https://www.ups.com/track?tracknum=1Z999AA10123456784", "shipment_id": "shp_1"}
        harness.drop_next_write()
        try:  # a connector that retries inside the call (the platform dedups by key) may succeed here
            await connector.deliver("fulfilment", order, payload, key=f"{order.id}:fulfilment")
        except TransientError:  # or it says so, and the hub retries the push with the same key
            pass
        await connector.deliver("fulfilment", order, payload, key=f"{order.id}:fulfilment")
        await connector.deliver("fulfilment", order, payload, key=f"{order.id}:fulfilment")
        assert harness.fulfilments_applied(order.external_id) == 1
