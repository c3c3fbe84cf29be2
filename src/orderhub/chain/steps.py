"""The chain step interface: what a step returns and what it may touch.

A step looks at one order and returns :meth:`StepResult.proceed` (optionally moving the order in
the lifecycle) or :meth:`StepResult.hold` with reasons for the review queue, or raises a typed
error (see :mod:`orderhub.errors`) that the runner handles by the step's ``on_error`` policy.

Example::

    class RequirePhone(Step):
        name = "require_phone"

        async def run(self, order, ctx):
            if not order.customer.phone:
                return StepResult.hold(Reason("missing_phone", "customer has no phone number"))
            return StepResult.proceed()
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict

from orderhub.config import ChainEntry
from orderhub.outbox.requests import PushRequest
from orderhub.validation import parse_settings
from orderhub.lifecycle import OrderStatus
from orderhub.models import Order

if TYPE_CHECKING:
    from orderhub.chain.data import StepData
    from orderhub.notices import Notice
    from orderhub.config import StoreConfig


@dataclass(frozen=True, slots=True)
class Reason:
    """Why an order is held: a stable ``code`` for filters and a message for people."""

    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


@dataclass(frozen=True, slots=True)
class StepResult:
    outcome: Literal["continue", "hold"]
    to: OrderStatus | None = None
    reasons: tuple[Reason, ...] = ()
    note: str | None = None

    @classmethod
    def proceed(cls, to: OrderStatus | None = None, note: str | None = None) -> StepResult:
        return cls("continue", to=to, note=note)

    @classmethod
    def hold(cls, *reasons: Reason) -> StepResult:
        if not reasons:
            raise ValueError("a hold needs at least one reason")
        return cls("hold", reasons=tuple(reasons))


@dataclass
class StepContext:
    """What a running step may use: its store, the database session, and a way to queue pushes."""

    store: str
    store_config: StoreConfig
    conn: Any
    step_name: str
    pushes: list[PushRequest] = field(default_factory=list)
    #: Hook notifications (e.g. low stock) the step's database work produced; fired after commit.
    notices: list[Notice] = field(default_factory=list)
    #: SKUs whose available stock the step changed; low stock and stock pushes follow at batch end.
    stock_changed: set[str] = field(default_factory=set)
    #: The hub (carriers, config, plugins) for steps that need more than the database.
    hub: Any = None

    def push(self, kind: str, payload: dict[str, Any], *, key: str, target: str | None = None,
             order_id: str | None = None) -> None:
        """Queue a durable push. ``key`` must identify the effect (same effect → same key). In
        :meth:`Step.run_batch`, ``order_id`` names the order it is for."""
        self.pushes.append(PushRequest(kind, payload, key, target or f"step:{self.step_name}", order_id))

    @property
    def data(self) -> StepData:
        """The data API bound to this step's transaction (:mod:`orderhub.chain.data`): orders, catalog,
        stock and shipments as operations; what it changes notifies after the commit."""
        from orderhub.chain.data import StepData

        return StepData(self.conn, hub=self.hub, actor=f"step:{self.step_name}", notices=self.notices,
                        stock_changed=self.stock_changed)


class NoOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Step:
    """Base class for chain steps; see the module docstring for an example."""

    name: ClassVar[str]
    Options: ClassVar[type[BaseModel]] = NoOptions
    #: Where a clean pass moves the order (``validate``: validated); an approval of this step's
    #: hold moves it there too. None: the step decides without moving the order.
    passes_to: ClassVar[OrderStatus | None] = None

    def __init__(self, store: str, options: BaseModel) -> None:
        self.store = store
        self.options = options
        #: Set by the hub when it builds the chain.
        self.hub: Any = None

    @classmethod
    def build(cls, store: str, raw_options: dict[str, Any], *, key: str) -> Step:
        return cls(store, parse_settings(cls.Options, raw_options, key=key, also_known=ChainEntry.model_fields))

    async def run(self, order: Order, ctx: StepContext) -> StepResult:
        """Decide for one order. ``order`` may be the object intake has just stored (a page's new
        orders are not read back): what the step decides goes to the database through ``ctx`` and
        the result, never only onto the object."""
        raise NotImplementedError

    async def run_batch(self, orders: list[Order], ctx: StepContext) -> list[StepResult | Exception]:
        """Decide for many orders at once: one result per order, in the same order, with an
        order's own failure returned (not raised) so the others go on. A step that overrides it
        reads and writes a batch in a few statements instead of a few per order; the runner calls
        it for the orders that reach the step together, in id order (those applying an approval
        go through :meth:`approve`). It must decide as :meth:`run` would for the orders one after
        another: an order sees what the orders before it in the batch took (stock, capacity).

        Raising fails the batch, not the orders: its writes are rolled back (a savepoint) and
        :meth:`run` decides for each order instead. Pushes name their order (``ctx.push(...,
        order_id=...)``). A step that does not override it is run order by order."""
        raise NotImplementedError

    @classmethod
    def decides_in_batches(cls) -> bool:
        """Whether the step overrides :meth:`run_batch`."""
        return cls.run_batch is not Step.run_batch

    async def approve(self, order: Order, ctx: StepContext, reasons: list[Reason]) -> StepResult:
        """What an operator's approval of this step's hold does, at the chain's next pass: by
        default the order passes the step, moving to :attr:`passes_to`. A step whose pass has work
        to do (reserve stock, choose a carrier) overrides it: do that work as the operator allowed,
        or :meth:`run` again when the approval means "the cause is fixed, try again". A step that
        failed (``on_error = "hold"``) is always run again; this method is not called for it."""
        return StepResult.proceed(to=self.passes_to, note="approved in review")

    async def before_batch(self, conn: Any, orders: list[Order]) -> None:
        """Called once per chain batch, in its transaction, before any order of it is run.

        A step that updates rows other stores' batches also update (stock levels, say) locks them
        here, all at once and in one fixed order: rows taken order by order, in whatever order the
        orders name them, deadlock against a concurrent batch on PostgreSQL."""

    async def deliver(self, kind: str, order: Order | None, payload: dict[str, Any], *, key: str) -> Any:
        """Deliver a push this step queued (``target="step:<name>"``). Return a receipt."""
        raise NotImplementedError(f"step {self.name} queued a push but cannot deliver it")

    async def after_delivery(self, conn: Any, kind: str, order: Order | None, payload: dict[str, Any],
                             receipt: Any, notices: list[Any]) -> None:
        """Record what a delivered push changed, in the transaction that marks it delivered."""

    async def aclose(self) -> None:
        """Release what the step holds."""
