"""Intake of one page: normalize every record, quarantine the bad ones, store the rest, checkpoint.

Two halves: normalizing (mapping, hashing, serializing: CPU, no database) and storing (in the
caller's transaction, so a page's orders and its cursor commit together). A read-ahead runs the
first half of the next page while this page's transaction is committed.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from collections.abc import Iterable, Iterator
from typing import Any

import orjson
from pydantic import ValidationError

from orderhub.intake.connector import Connector, Page, RawRecord
from orderhub.db import orders as order_store
from orderhub.db.common import canonical_json, hash_json
from orderhub.db.inventory import record_store_skus
from orderhub.db.orders import Ingested
from orderhub.notices import Notice, Quarantined
from orderhub.db.quarantine import quarantine_record, supersede
from orderhub.errors import OrderhubError, RecordError, TransientError, ConfigError
from orderhub.logging import get_logger
from orderhub.validation import first_problem
from orderhub.models import Order

log = get_logger()
ORDERS_STREAM = "orders"
#: Normalizing is CPU work that does not wait on anything; it gives the event loop a turn this often.
YIELD_EVERY = 20


@dataclass
class PageResult:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0
    has_more: bool = False
    notices: list[Notice] = field(default_factory=list)
    #: the page's orders now pending from the chain's first step, as stored (see UpsertSummary)
    to_chain: list[Order] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {"inserted": self.inserted, "updated": self.updated, "unchanged": self.unchanged,
                "quarantined": self.quarantined, "has_more": self.has_more}


def record_error_from_validation(exc: ValidationError, record: RawRecord) -> RecordError:
    """A pydantic error as a RecordError whose message names the field."""
    loc, msg = first_problem(exc)
    return RecordError(f"{loc}: {msg}", code="invalid_field", field=loc,
                       external_id=record.external_id, location=record.location)


def normalize(connector: Connector, record: RawRecord) -> Ingested:
    """Map one record, turning every way it can be wrong into a RecordError."""
    try:
        order = connector.normalize(record)
    except RecordError:
        raise
    except ValidationError as exc:
        raise record_error_from_validation(exc, record) from None
    except (ConfigError, TransientError):
        raise
    except (KeyError, TypeError, ValueError, AttributeError, ArithmeticError) as exc:
        raise RecordError(f"cannot map payload: {type(exc).__name__}: {exc}", code="unmappable",
                          external_id=record.external_id, location=record.location) from None
    body = canonical_json(record.raw)  # serialized once: hashed here, stored as it is by upsert_orders
    return Ingested(order=order, raw=orjson.Fragment(body), payload_hash=hash_json(body))


@dataclass
class Normalized:
    """A batch of records mapped into canonical orders (``good``) or refused with their error
    (``bad``): the CPU half of intake, which needs no database."""

    good: list[Ingested] = field(default_factory=list)
    bad: list[tuple[RawRecord, OrderhubError]] = field(default_factory=list)


async def normalize_records(connector: Connector, records: Iterable[RawRecord],
                            rejects: Iterable[tuple[RawRecord, OrderhubError]] = ()) -> Normalized:
    out = Normalized(bad=list(rejects))
    for i, rec in enumerate(records):
        if i % YIELD_EVERY == 0:
            await asyncio.sleep(0)  # let a read-ahead of the next page send and receive meanwhile
        try:
            out.good.append(normalize(connector, rec))
        except RecordError as exc:
            out.bad.append((rec, exc))
    return out


@dataclass
class PulledPage:
    """A page as the marketplace sent it, already normalized: what a read-ahead hands over, so
    the next page's mapping runs while this one's commit is on the disk (issue #16)."""

    normalized: Normalized
    cursor: str | None
    has_more: bool


async def normalize_page(connector: Connector, page: Page) -> Normalized:
    """A fetched page's records and rejects, normalized. Consumes ``page.records``."""
    return await normalize_records(connector, _handed_over(page.records), page.rejects)


async def pull_page(connector: Connector, cursor: str | None) -> PulledPage:
    """Fetch the page at ``cursor`` and normalize it; nothing is stored."""
    page = await connector.fetch_orders(cursor)
    return PulledPage(await normalize_page(connector, page), page.cursor, page.has_more)


async def store_normalized(conn: Any, connector: Connector, batch: Normalized, *, actor: str = "ingest") -> PageResult:
    """Quarantine the bad records and upsert the good ones in the caller's transaction."""
    result = PageResult()
    good = batch.good
    for rec, exc in batch.bad:
        is_new = await quarantine_record(conn, connector.store, rec.raw, exc, external_id=rec.external_id,
                                         location=rec.location or exc.context.get("location"))
        if is_new:
            result.quarantined += 1
            log.warning("quarantined", store=connector.store, external_id=rec.external_id,
                        location=rec.location, code=exc.code, error=exc.message)
            result.notices.append(Quarantined(store=connector.store, external_id=rec.external_id,
                                              error=exc.as_dict()))
    up = await order_store.upsert_orders(conn, good, actor=actor)
    if up.inserted or up.updated:
        stored = {*up.inserted, *up.updated}
        await supersede(conn, connector.store, [it.order.external_id for it in good if it.order.id in stored])
    if connector.config.stock_sync and good:
        await record_store_skus(conn, connector.store, {li.sku for it in good for li in it.order.line_items if li.sku})
    result.inserted, result.updated, result.unchanged = len(up.inserted), len(up.updated), up.unchanged
    result.notices += up.notices
    result.to_chain = up.to_chain
    return result


async def ingest_records(conn: Any, connector: Connector, records: Iterable[RawRecord],
                         rejects: Iterable[tuple[RawRecord, OrderhubError]] = (), *,
                         actor: str = "ingest") -> PageResult:
    """Normalize and store records in the caller's transaction."""
    return await store_normalized(conn, connector, await normalize_records(connector, records, rejects), actor=actor)


async def ingest_page(conn: Any, connector: Connector, page: Page | PulledPage) -> PageResult:
    """Store one page (as fetched, whose ``records`` it consumes, or as read ahead and already
    normalized) and its cursor in the caller's transaction."""
    batch = page.normalized if isinstance(page, PulledPage) else await normalize_page(connector, page)
    result = await store_normalized(conn, connector, batch)
    if page.cursor is not None:
        await order_store.save_cursor(conn, connector.store, ORDERS_STREAM, page.cursor)
    result.has_more = page.has_more
    return result


def _handed_over(records: list[RawRecord]) -> Iterator[RawRecord]:
    """The records in order, each one let go of by the list as it is handed over: a page's parsed
    payloads are the largest thing a sync holds, and each is stored once normalized (as JSON text),
    so the page shrinks while the next one is read ahead instead of both being held whole."""
    records.reverse()
    while records:
        yield records.pop()
