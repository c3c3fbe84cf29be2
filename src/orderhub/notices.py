"""Notices: what the database work of a transaction asks the hooks to hear once it has committed.

A store function appends a typed notice to the caller's list (an order moved, stock ran low); the
caller fires them with ``Hub.notify`` after the commit, so a hook never sees work that was rolled
back. Each notice names the hook it fires (``hook``) and carries exactly that hook's arguments as
its fields (``kwargs()``), so a producer cannot misspell a hook or an argument.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, ClassVar


@dataclass(slots=True)
class Notice:
    """Base of the notices; ``hook`` is the hookspec it fires."""

    hook: ClassVar[str]

    def kwargs(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(slots=True)
class OrderStateChanged(Notice):
    hook: ClassVar[str] = "on_order_state_changed"
    order: Any
    from_status: str
    to_status: str
    actor: str
    reason: str | None = None


@dataclass(slots=True)
class OrderHeld(Notice):
    hook: ClassVar[str] = "on_order_held"
    order: Any
    step: str
    reasons: list[dict[str, Any]]


@dataclass(slots=True)
class LowStock(Notice):
    hook: ClassVar[str] = "on_low_stock"
    level: Any
    threshold: int


@dataclass(slots=True)
class Quarantined(Notice):
    hook: ClassVar[str] = "on_quarantined"
    store: str
    external_id: str | None
    error: dict[str, Any]


@dataclass(slots=True)
class TrackingUpdated(Notice):
    hook: ClassVar[str] = "on_tracking_updated"
    shipment: Any
    previous_status: str


@dataclass(slots=True)
class FeedbackReceived(Notice):
    hook: ClassVar[str] = "on_feedback_received"
    feedback: Any


@dataclass(slots=True)
class FeedbackEscalated(Notice):
    hook: ClassVar[str] = "on_feedback_escalated"
    feedback: Any
    due_at: Any


@dataclass(slots=True)
class IncidentOpened(Notice):
    hook: ClassVar[str] = "on_incident_opened"
    incident: Any


@dataclass(slots=True)
class IncidentResolved(Notice):
    hook: ClassVar[str] = "on_incident_resolved"
    incident: Any


@dataclass(slots=True)
class WebhookRefused(Notice):
    hook: ClassVar[str] = "on_webhook_refused"
    store: str
    code: str
    error: str
