"""Test plugins and a hub factory for in-process tests (no DBOS needed)."""

from __future__ import annotations

from typing import Any, ClassVar

from orderhub import hookimpl
from orderhub.config import parse_config
from orderhub.errors import ConfigError, RecordError, TransientError
from orderhub.hub import Hub
from orderhub.lifecycle import OrderStatus
from orderhub.plugins import PluginManager
from orderhub.steps import Reason, Step, StepResult


class Validate(Step):
    """Stand-in validation: moves the order to validated, holds orders tagged 'bad'."""

    name: ClassVar[str] = "t_validate"

    async def run(self, order, ctx):
        if "bad" in order.tags:
            return StepResult.hold(Reason("tagged_bad", "order is tagged bad"))
        return StepResult.proceed(to=OrderStatus.VALIDATED, note="looks fine")


class Notify(Step):
    name: ClassVar[str] = "t_notify"
    delivered: ClassVar[list[str]] = []

    async def run(self, order, ctx):
        ctx.push("note", {"n": order.number}, key=f"note:{order.id}")
        return StepResult.proceed()

    async def deliver(self, kind, order, payload, *, key):
        if "flaky" in order.tags and key not in Notify.failed_once:
            Notify.failed_once.add(key)
            raise TransientError("receiver busy", retry_after=0)
        Notify.delivered.append(key)
        return {"ok": key}

    failed_once: ClassVar[set[str]] = set()


class Explode(Step):
    name: ClassVar[str] = "t_explode"
    mode: ClassVar[str] = "system"

    async def run(self, order, ctx):
        if self.mode == "system":
            raise ZeroDivisionError("division by zero")
        if self.mode == "record":
            raise RecordError("address unusable", code="bad_address")
        if self.mode == "transient":
            raise TransientError("carrier API down")
        raise ConfigError("carrier credentials rejected")


class TestPlugin:
    notices: list[tuple[str, dict[str, Any]]] = []

    @hookimpl
    def register_steps(self, register):
        for cls in (Validate, Notify, Explode):
            register(cls)

    @hookimpl
    def on_order_state_changed(self, order, from_status, to_status, actor, reason):
        self.notices.append(("on_order_state_changed", {"order": order.id, "to": to_status}))

    @hookimpl
    def on_order_held(self, order, step, reasons):
        self.notices.append(("on_order_held", {"order": order.id, "codes": [r["code"] for r in reasons]}))


def make_hub(db_url: str, chain: list[Any], *, engine=None, plugin=None, stores: dict | None = None) -> Hub:
    cfg = parse_config({"database": {"url": db_url},
                        "stores": stores or {"shop": {"connector": "files", "path": "/nonexistent", "chain": chain}}})
    return Hub(cfg, PluginManager(extra=(plugin or TestPlugin(),)), engine=engine)
