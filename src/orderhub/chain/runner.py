"""The chain runner: each store's configured steps, in order, for a batch of pending orders.

One transaction per batch: state changes, holds, step timings and queued pushes commit together.
A step's error is handled by its family and the step's ``on_error`` policy:

- record / system error: ``hold`` (default) puts the order in review with the error as reason,
  ``skip`` goes on to the next step, ``retry`` leaves the order pending at this step;
- transient error: the order stays pending at this step and is retried on the next pass
  (``skip`` goes on instead);
- config error: the whole batch stops and the error propagates (the store gets paused).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from orderhub.db import orders as order_store
from orderhub.db.bulk import BulkStatement, bulk_insert
from orderhub.db.common import utcnow
from orderhub.db.inventory import stock_changed
from orderhub.notices import Notice
from orderhub.db.pushes import queue_push
from orderhub.db.review import approvals, hold
from orderhub.db.schema import orders, step_runs
from orderhub.errors import ConfigError, IllegalTransition, OrderhubError, family_of
from orderhub.lifecycle import TERMINAL, OrderStatus
from orderhub.logging import get_logger
from orderhub.models import Order
from orderhub.chain.steps import Reason, StepContext

if TYPE_CHECKING:
    from orderhub.hub import Hub

log = get_logger()


@dataclass
class ChainResult:
    processed: int = 0
    completed: int = 0
    held: int = 0
    retry_later: int = 0
    pushes_queued: int = 0
    notices: list[Notice] = field(default_factory=list)
    durations: list[tuple[str, float]] = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        return {"processed": self.processed, "completed": self.completed, "held": self.held,
                "retry_later": self.retry_later, "pushes_queued": self.pushes_queued}

    def merge(self, other: ChainResult) -> None:
        for name, count in other.summary().items():
            setattr(self, name, getattr(self, name) + count)
        self.notices += other.notices
        self.durations += other.durations


_LEAVE_PENDING = BulkStatement(orders.update().where(orders.c.id == sa.bindparam("b_id"))
                               .values(chain_pending=sa.false(), chain_step=sa.bindparam("b_step"),
                                       chain_approved=sa.null()))
_STEP_RUN_COLUMNS = ("order_id", "store", "step", "started_at", "duration_ms", "outcome", "error_code")
_INSERT_STEP_RUNS = bulk_insert(step_runs, *_STEP_RUN_COLUMNS)


def _in_chain(order: Order) -> bool:
    """Whether the chain still runs for this order (a finished or held one just leaves the list)."""
    return order.status not in TERMINAL and order.status is not OrderStatus.ON_HOLD


@dataclass(slots=True)
class Pending:
    """An order the chain is to run for, from the step it is at."""

    order: Order
    chain_step: int = 0
    #: The review an operator approved, applied by the step at ``chain_step`` (see ``Step.approve``)
    approved: int | None = None


async def run_chain_batch(conn: Any, hub: Hub, store: str, *, limit: int, after: str = "") -> tuple[ChainResult, str]:
    """Run the chain for up to ``limit`` pending orders with ids above ``after``; returns the last id."""
    batch = await read_pending(conn, store, after=after, limit=limit)
    return await run_chain(conn, hub, store, batch), (batch[-1].order.id if batch else after)


async def read_pending(conn: Any, store: str, *, after: str = "", limit: int | None = None,
                       ids: list[str] | None = None) -> list[Pending]:
    """Pending orders of ``store`` in id order: those above ``after`` (up to ``limit``), or of ``ids``."""
    q = (sa.select(orders.c.id, orders.c.status, sa.cast(orders.c.data, sa.Text).label("data"), orders.c.chain_step,
                   orders.c.chain_approved)
         .where(orders.c.store == store, orders.c.chain_pending.is_(True)).order_by(orders.c.id))
    q = q.where(orders.c.id.in_(ids)) if ids is not None else q.where(orders.c.id > after).limit(limit)
    batch = []
    for row in (await conn.execute(q)).all():
        order = Order.model_validate_json(row.data)  # the stored text straight into pydantic's parser
        order.status = OrderStatus(row.status)
        batch.append(Pending(order, row.chain_step, row.chain_approved))
    return batch


async def run_chain(conn: Any, hub: Hub, store: str, batch: list[Pending]) -> ChainResult:
    """Run ``store``'s chain for ``batch`` in the caller's transaction: from the ingest of a page,
    its new orders as they are in memory; from :func:`run_chain_batch`, pending orders read back."""
    result = ChainResult()
    links = hub.chain(store)
    sc = hub.store_config(store)
    timings: list[dict[str, Any]] = []
    stock: set[str] = set()
    done: list[dict[str, Any]] = []  # orders that leave the pending list, written in one statement
    runnable = [p.order for p in batch if _in_chain(p.order)]
    approved_ids = [p.approved for p in batch if p.approved is not None]
    approved = await approvals(conn, approved_ids) if approved_ids else {}
    if runnable:
        for link in links:
            await link.step.before_batch(conn, runnable)
    for p in batch:
        result.processed += 1
        if not _in_chain(p.order):
            done.append({"b_id": p.order.id, "b_step": p.chain_step})
            continue
        approval = _approval_at(approved.get(p.approved) if p.approved is not None else None, links, p.chain_step)
        outcome = await _run_order(conn, hub, store, sc, links, p.order, p.chain_step, result, timings, stock,
                                   approval)
        if outcome == "completed":
            result.completed += 1
            done.append({"b_id": p.order.id, "b_step": len(links)})
    await _LEAVE_PENDING.run(conn, done)
    await _INSERT_STEP_RUNS.run(conn, timings)
    for sku in sorted(stock):
        await stock_changed(conn, sku, result.notices)
    return result


def _approval_at(review: dict[str, Any] | None, links: list[Any], start: int) -> dict[str, Any] | None:
    """The approval the step at ``start`` applies: only the step that held the order (a chain
    reconfigured since then runs its step at that place as usual)."""
    if review is None or start >= len(links) or review["step_index"] != start:
        return None
    return review if links[start].entry.step == review["step"] else None


async def _run_order(conn: Any, hub: Hub, store: str, sc: Any, links: list[Any], order: Order, start: int,
                     result: ChainResult, timings: list[dict[str, Any]], stock: set[str],
                     approval: dict[str, Any] | None = None) -> str:
    for link in links[start:]:
        ctx = StepContext(store=store, store_config=sc, conn=conn, step_name=link.entry.step, stock_changed=stock)
        started = utcnow()
        t0 = time.perf_counter()
        error: OrderhubError | None = None
        outcome = "continue"
        applying = approval if link.index == start else None
        try:
            if applying is not None and applying["cause"] == "step":
                reasons = [Reason(r["code"], r["message"]) for r in applying["reasons"]]
                step_result = await link.step.approve(order, ctx, reasons)
            else:
                step_result = await link.step.run(order, ctx)
        except (ConfigError, sa.exc.DBAPIError):
            # A database error has aborted the batch's transaction (a deadlock with another store's
            # batch, say): nothing more can be written in it. The whole batch is rolled back and
            # run again by the caller, rather than held in a transaction that can no longer commit.
            raise
        except Exception as exc:  # every other failure is handled per policy, never lost
            step_result = None
            error = exc if isinstance(exc, OrderhubError) else None
            family = family_of(exc)
            code = error.code if error else "step_failed"
            message = error.message if error else f"{type(exc).__name__}: {exc}"
            if family == "system":
                log.exception("step_crashed", store=store, order_id=order.id, step=link.entry.step)
            else:
                log.warning("step_error", store=store, order_id=order.id, step=link.entry.step, code=code, error=message)
            policy = link.entry.on_error
            if policy == "skip":
                outcome = "error_skipped"
            elif family == "transient" or policy == "retry":
                outcome = "retry"
            else:
                outcome = "error_held"
        duration = (time.perf_counter() - t0) * 1000
        result.notices += ctx.notices
        result.durations.append((link.entry.step, duration / 1000))
        timings.append({"order_id": order.id, "store": store, "step": link.entry.step, "started_at": started,
                        "duration_ms": duration, "outcome": outcome if step_result is None else step_result.outcome,
                        "error_code": (error.code if error else ("step_failed" if step_result is None else None))})
        if outcome == "retry":  # an approval not yet applied stays for the next pass
            await conn.execute(orders.update().where(orders.c.id == order.id).values(
                chain_step=link.index, chain_approved=applying["id"] if applying else None))
            result.retry_later += 1
            return "retry"
        if outcome == "error_held":
            reason = Reason(code, f"step {link.entry.step} failed: {message}")
            await hold(conn, order, step=link.entry.step, step_index=link.index, reasons=[reason.as_dict()],
                       notices=result.notices, cause="error")
            result.held += 1
            return "held"
        if outcome == "error_skipped":
            continue
        assert step_result is not None
        for p in ctx.pushes:
            if await queue_push(conn, key=p.key, store=store, kind=p.kind, target=p.target,
                                payload=p.payload, order_id=order.id):
                result.pushes_queued += 1
                await order_store.add_event(conn, order.id, "push_queued", f"step:{link.entry.step}",
                                            data={"kind": p.kind, "key": p.key})
        if step_result.outcome == "hold":
            await hold(conn, order, step=link.entry.step, step_index=link.index,
                       reasons=[r.as_dict() for r in step_result.reasons], notices=result.notices)
            result.held += 1
            return "held"
        if step_result.to is not None and step_result.to != order.status:
            try:
                await order_store.transition(conn, order.id, step_result.to, actor=f"step:{link.entry.step}",
                                             reason=step_result.note, notices=result.notices, order=order)
            except IllegalTransition as exc:  # a chain in the wrong order: say so on the order, hold it
                await hold(conn, order, step=link.entry.step, step_index=link.index,
                           reasons=[Reason(exc.code, f"step {link.entry.step}: {exc.message}").as_dict()],
                           notices=result.notices, cause="lifecycle")
                result.held += 1
                return "held"
            order.status = step_result.to
    return "completed"
