"""Normalized tracking: one status set for every carrier, and the rules for moving between them.

Each carrier maps its own codes with a :class:`StatusTable` — data, not if-chains: a code table,
optional refinements of one code by words in the carrier's text (UPS reports a failed delivery
attempt as an ``X`` exception; its text says which), and a default for codes nobody listed.
Every :class:`~orderhub.models.TrackingEvent` keeps the raw code and text beside the status.

A shipment never moves backwards from ``delivered`` because of a late event: carriers send scans
out of order, and a customer who was told "delivered" must not be told "in transit" afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from orderhub.models import TrackingEvent, TrackingStatus

S = TrackingStatus

#: Statuses a shipment does not leave on later events.
FINAL = frozenset({S.DELIVERED})
#: Statuses that mean the parcel is moving forward (for the "no progress for N days" alert).
PROGRESS = frozenset({S.INFO_RECEIVED, S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.AVAILABLE_FOR_PICKUP, S.DELIVERED})
#: Milestones customers are told about, and the order state each implies.
MILESTONES = (S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.DELIVERED, S.EXCEPTION, S.ATTEMPT_FAIL, S.AVAILABLE_FOR_PICKUP)


@dataclass(frozen=True)
class StatusTable:
    """A carrier's code → status mapping. ``refine[code]`` is a list of (lower-case phrase, status)
    tried in order against the event text before ``codes[code]``."""

    carrier: str
    codes: Mapping[str, TrackingStatus]
    refine: Mapping[str, tuple[tuple[str, TrackingStatus], ...]] = field(default_factory=dict)
    default: TrackingStatus = S.IN_TRANSIT

    def status(self, code: str | None, text: str | None = None) -> TrackingStatus:
        key = (code or "").strip()
        lowered = (text or "").lower()
        for phrase, status in self.refine.get(key, ()):
            if phrase in lowered:
                return status
        return self.codes.get(key, self.codes.get(key.upper(), self.default))

    def event(self, code: str | None, text: str | None, at: datetime, location: str | None = None) -> TrackingEvent:
        return TrackingEvent(status=self.status(code, text), raw_code=code, description=text, location=location,
                             occurred_at=at)


@dataclass
class Merged:
    events: list[TrackingEvent]
    status: TrackingStatus
    changed: bool
    new_events: list[TrackingEvent]


def _key(e: TrackingEvent) -> tuple[str, str, str]:
    return (e.occurred_at.isoformat(), e.raw_code or "", e.description or "")


def merge(current: TrackingStatus, known: Iterable[TrackingEvent], incoming: Iterable[TrackingEvent]) -> Merged:
    """Add new events (deduplicated by time, code and text) and work out the shipment's status:
    the status of its latest event — except that ``delivered`` is never left."""
    seen = {_key(e) for e in known}
    events = list(known)
    new = []
    for e in incoming:
        k = _key(e)
        if k not in seen:
            seen.add(k)
            events.append(e)
            new.append(e)
    events.sort(key=lambda e: e.occurred_at)
    status = events[-1].status if events else current
    if current in FINAL:
        status = current
    elif any(e.status in FINAL for e in events) and status not in FINAL:
        # A delivery scan followed by a stray later scan (a depot's late upload): still delivered.
        status = S.DELIVERED
    return Merged(events=events, status=status, changed=status != current, new_events=new)
