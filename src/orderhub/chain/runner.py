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
from orderhub.db.review import Hold, approvals, hold_many
from orderhub.db.schema import orders, step_runs
from orderhub.errors import ConfigError, OrderhubError, family_of
from orderhub.lifecycle import TERMINAL, OrderStatus
from orderhub.logging import get_logger
from orderhub.models import Order
from orderhub.chain.steps import Reason, StepContext, StepResult

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
    its new orders as they are in memory; from :func:`run_chain_batch`, pending orders read back.

    Step by step: the orders at a step go through it together (one :meth:`Step.run_batch` for a
    step that decides in batches), and the moves they earn are written at once; then the next step."""
    result = ChainResult()
    links = hub.chain(store)
    pass_ = _Pass(conn, hub, store, result)
    done: list[dict[str, Any]] = []  # orders that leave the pending list, written in one statement
    runs: list[_Run] = []
    approved_ids = [p.approved for p in batch if p.approved is not None]
    approved = await approvals(conn, approved_ids) if approved_ids else {}
    for p in batch:
        result.processed += 1
        if _in_chain(p.order):
            review = approved.get(p.approved) if p.approved is not None else None
            runs.append(_Run(p.order, p.chain_step, _approval_at(review, links, p.chain_step)))
        else:
            done.append({"b_id": p.order.id, "b_step": p.chain_step})
    if runs:
        for link in links:
            await link.step.before_batch(conn, [r.order for r in runs])
    for link in links:
        here = [r for r in runs if r.at == link.index and r.state == "running"]
        if here:
            await pass_.step(link, here)
    for r in runs:
        if r.state == "running":
            result.completed += 1
            done.append({"b_id": r.order.id, "b_step": len(links)})
    await _LEAVE_PENDING.run(conn, done)
    await _INSERT_STEP_RUNS.run(conn, pass_.timings)
    for sku in sorted(pass_.stock):
        await stock_changed(conn, sku, result.notices)
    return result


def _approval_at(review: dict[str, Any] | None, links: list[Any], start: int) -> dict[str, Any] | None:
    """The approval the step at ``start`` applies: only the step that held the order (a chain
    reconfigured since then runs its step at that place as usual)."""
    if review is None or start >= len(links) or review["step_index"] != start:
        return None
    return review if links[start].entry.step == review["step"] else None


@dataclass(slots=True)
class _Run:
    """One order's way through the chain in this pass."""

    order: Order
    at: int  #: the step it is at
    approval: dict[str, Any] | None  #: applied by the step at ``at`` when the pass starts there
    state: str = "running"  #: or held, retry


@dataclass(slots=True)
class _Decided:
    """What a step decided for one order: its result, or the failure that replaced it."""

    run: _Run
    result: StepResult | None
    error: BaseException | None
    ctx: StepContext
    started: Any
    seconds: float


class _Pass:
    """One chain pass over a batch: runs a step for the orders at it and applies the outcomes."""

    def __init__(self, conn: Any, hub: Hub, store: str, result: ChainResult) -> None:
        self.conn, self.hub, self.store, self.result = conn, hub, store, result
        self.sc = hub.store_config(store)
        self.timings: list[dict[str, Any]] = []
        self.stock: set[str] = set()
        self.holds: list[Hold] = []

    def _ctx(self, link: Any) -> StepContext:
        return StepContext(store=self.store, store_config=self.sc, conn=self.conn, step_name=link.entry.step,
                           stock_changed=self.stock)

    async def step(self, link: Any, runs: list[_Run]) -> None:
        applying = [r for r in runs if r.approval is not None]
        rest = [r for r in runs if r.approval is None]
        decided = await self._alone(link, applying)
        if len(rest) > 1 and link.step.decides_in_batches():
            decided += await self._together(link, rest)
        else:
            decided += await self._alone(link, rest)
        place = {id(r): n for n, r in enumerate(runs)}
        decided.sort(key=lambda d: place[id(d.run)])
        moves: list[tuple[_Run, StepResult]] = []
        for d in decided:
            if await self._settle(link, d):
                assert d.result is not None
                if d.result.to is not None and d.result.to != d.run.order.status:
                    moves.append((d.run, d.result))
                else:
                    d.run.at += 1
        await self._write_holds()
        await self._move(link, moves)
        await self._write_holds()  # the moves the lifecycle refused

    async def _alone(self, link: Any, runs: list[_Run]) -> list[_Decided]:
        out = []
        for r in runs:
            ctx = self._ctx(link)
            started, t0 = utcnow(), time.perf_counter()
            result: StepResult | None = None
            error: BaseException | None = None
            try:
                if r.approval is not None and r.approval["cause"] == "step":
                    reasons = [Reason(x["code"], x["message"]) for x in r.approval["reasons"]]
                    result = await link.step.approve(r.order, ctx, reasons)
                else:
                    result = await link.step.run(r.order, ctx)
            except (ConfigError, sa.exc.DBAPIError):
                # A database error has aborted the batch's transaction (a deadlock with another
                # store's batch, say): nothing more can be written in it. The whole batch is rolled
                # back and run again by the caller, rather than held in a transaction that cannot commit.
                raise
            except Exception as exc:  # every other failure is handled per policy, never lost
                error = exc
            out.append(_Decided(r, result, error, ctx, started, time.perf_counter() - t0))
        return out

    async def _together(self, link: Any, runs: list[_Run]) -> list[_Decided]:
        ctx = self._ctx(link)
        started, t0 = utcnow(), time.perf_counter()
        stock_before = set(self.stock)
        try:
            async with self.conn.begin_nested():  # a failed batch leaves nothing behind
                results = await link.step.run_batch([r.order for r in runs], ctx)
                if len(results) != len(runs):
                    raise RuntimeError(f"run_batch returned {len(results)} results for {len(runs)} orders")
        except (ConfigError, sa.exc.DBAPIError):
            raise
        except Exception as exc:
            log.exception("step_batch_failed", store=self.store, step=link.entry.step, orders=len(runs),
                          error=f"{type(exc).__name__}: {exc}", then="each order alone")
            self.stock.intersection_update(stock_before)
            return await self._alone(link, runs)
        share = (time.perf_counter() - t0) / len(runs)
        # The batch's pushes and notices are settled with their order (a push names it) or, for
        # notices, with the first order: they are fired after the commit all the same.
        by_order: dict[str | None, list[Any]] = {}
        for p in ctx.pushes:
            by_order.setdefault(p.order_id, []).append(p)
        out = []
        for n, (r, res) in enumerate(zip(runs, results, strict=True)):
            own = self._ctx(link)
            own.pushes, own.notices = by_order.pop(r.order.id, []), ctx.notices if n == 0 else []
            if isinstance(res, Exception):
                out.append(_Decided(r, None, res, own, started, share))
            else:
                out.append(_Decided(r, res, None, own, started, share))
        for p in by_order.get(None, []):  # pushes for no order in particular
            await self._queue(link, p, None)
        return out

    async def _queue(self, link: Any, p: Any, order_id: str | None) -> None:
        if await queue_push(self.conn, key=p.key, store=self.store, kind=p.kind, target=p.target,
                            payload=p.payload, order_id=order_id):
            self.result.pushes_queued += 1
            if order_id is not None:
                await order_store.add_event(self.conn, order_id, "push_queued", f"step:{link.entry.step}",
                                            data={"kind": p.kind, "key": p.key})

    async def _settle(self, link: Any, d: _Decided) -> bool:
        """Record what the step decided for one order; whether the order goes on."""
        r, result, order, step = d.run, self.result, d.run.order, link.entry.step
        applying, r.approval = r.approval, None
        error = d.error if isinstance(d.error, OrderhubError) else None
        outcome = "continue"
        if d.error is not None:
            exc = d.error
            family = family_of(exc)
            code = error.code if error else "step_failed"
            message = error.message if error else f"{type(exc).__name__}: {exc}"
            if family == "system":
                log.error("step_crashed", store=self.store, order_id=order.id, step=step,
                          exc_info=(type(exc), exc, exc.__traceback__))
            else:
                log.warning("step_error", store=self.store, order_id=order.id, step=step, code=code, error=message)
            policy = link.entry.on_error
            if policy == "skip":
                outcome = "error_skipped"
            elif family == "transient" or policy == "retry":
                outcome = "retry"
            else:
                outcome = "error_held"
        result.notices += d.ctx.notices
        result.durations.append((step, d.seconds))
        self.timings.append({"order_id": order.id, "store": self.store, "step": step, "started_at": d.started,
                             "duration_ms": d.seconds * 1000,
                             "outcome": outcome if d.result is None else d.result.outcome,
                             "error_code": (error.code if error else ("step_failed" if d.result is None else None))})
        if outcome == "retry":  # an approval not yet applied stays for the next pass
            await self.conn.execute(orders.update().where(orders.c.id == order.id).values(
                chain_step=link.index, chain_approved=applying["id"] if applying else None))
            result.retry_later += 1
            r.state = "retry"
            return False
        if outcome == "error_held":
            self._hold(link, r, [Reason(code, f"step {step} failed: {message}")], cause="error")
            return False
        if outcome == "error_skipped":
            r.at += 1
            return False
        assert d.result is not None
        for p in d.ctx.pushes:
            await self._queue(link, p, order.id)
        if d.result.outcome == "hold":
            self._hold(link, r, list(d.result.reasons))
            return False
        return True

    def _hold(self, link: Any, r: _Run, reasons: list[Reason], cause: str = "step") -> None:
        """Hold the order: queued, and written with the step's other holds (:meth:`_write_holds`)."""
        self.holds.append(Hold(r.order, link.entry.step, link.index, [x.as_dict() for x in reasons], cause))
        self.result.held += 1
        r.state = "held"

    async def _write_holds(self) -> None:
        holds, self.holds = self.holds, []
        if holds:
            await hold_many(self.conn, holds, self.result.notices)

    async def _move(self, link: Any, moves: list[tuple[_Run, StepResult]]) -> None:
        """The moves the step's results ask for, written together; one the lifecycle refuses (a
        chain in the wrong order) is said on the order, which is held."""
        wanted = [order_store.Move(r.order, res.to, res.note) for r, res in moves if res.to is not None]
        refused = await order_store.transition_many(self.conn, wanted, actor=f"step:{link.entry.step}",
                                                    notices=self.result.notices)
        for (r, _), move in zip(moves, wanted, strict=True):
            exc = refused.get(r.order.id)
            if exc is not None:
                self._hold(link, r, [Reason(exc.code, f"step {link.entry.step}: {exc.message}")], cause="lifecycle")
            else:
                r.order.status = move.to
                r.at += 1
