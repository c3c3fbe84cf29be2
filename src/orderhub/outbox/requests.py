"""What steps and durable hooks queue for the outside world: a push, written in the same
transaction as the decision that caused it and delivered after the commit (``orderhub.outbox.delivery``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class PushRequest:
    """An effect for the outside, queued in the same transaction as the step's result."""

    kind: str
    payload: dict[str, Any]
    key: str
    target: str
    #: The order it is for, when a step deciding for a whole batch queued it (``Step.run_batch``).
    order_id: str | None = None


class Outbox:
    """Where a durable hook queues its sends (see ``hookspecs.on_shipment_milestone``)."""

    def __init__(self) -> None:
        self.pushes: list[PushRequest] = []

    def push(self, kind: str, payload: dict[str, Any], *, key: str, target: str) -> None:
        self.pushes.append(PushRequest(kind, payload, key, target))
