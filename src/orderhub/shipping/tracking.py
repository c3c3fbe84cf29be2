"""Normalized tracking: one status set for every carrier, and the rules for moving between them.

Each carrier maps its own codes with a :class:`StatusTable` — data, not if-chains: a code table,
optional refinements of one code by words in the carrier's text (UPS reports a failed delivery
attempt as an ``X`` exception; its text says which), and a default for codes nobody listed.
Every :class:`~orderhub.models.TrackingEvent` keeps the raw code and text beside the status.

A shipment never moves backwards: carriers send scans late and out of order, and a customer who
was told "out for delivery" must not be told "in transit" afterwards. Statuses are merged by their
rank along the route; among scans of one rank the latest wins (out for delivery, a failed attempt,
out for delivery again). A problem (``exception``, ``expired``) is not a step on the route but a
flag beside the status: raised by a problem scan, cleared by any later scan that is not one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from orderhub.models import TrackingEvent, TrackingStatus

S = TrackingStatus

#: Statuses a shipment does not leave on later events.
FINAL = frozenset({S.DELIVERED})
#: Where each status lies along the route. Statuses of one rank replace each other by time.
RANK = {S.PENDING: 0, S.INFO_RECEIVED: 1, S.IN_TRANSIT: 2, S.OUT_FOR_DELIVERY: 3, S.ATTEMPT_FAIL: 3,
        S.AVAILABLE_FOR_PICKUP: 3, S.DELIVERED: 4}
#: Statuses that flag a problem beside the route status rather than replacing it.
PROBLEMS = frozenset({S.EXCEPTION, S.EXPIRED})
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
    #: The furthest status along the route (never lower than the one before).
    status: TrackingStatus
    #: Whether ``status`` differs from the one before.
    changed: bool
    new_events: list[TrackingEvent]
    #: The problem scan still open (no ordinary scan after it), or None.
    exception: TrackingEvent | None = None

    @property
    def headline(self) -> TrackingStatus:
        """What to tell someone in one word: the problem while one is open, else the status."""
        return self.exception.status if self.exception else self.status


def _key(e: TrackingEvent) -> tuple[str, str, str]:
    return (e.occurred_at.isoformat(), e.raw_code or "", e.description or "")


def _rank(status: TrackingStatus) -> int:
    return RANK.get(status, -1)


def merge(current: TrackingStatus, known: Iterable[TrackingEvent], incoming: Iterable[TrackingEvent]) -> Merged:
    """Add new events (deduplicated by time, code and text) and work out the shipment's status by
    rank (never below ``current``), and whether a problem is open."""
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
    status = current if current not in PROBLEMS else S.PENDING  # a row from before problems were flags
    for e in events:  # oldest first: a later scan of the same rank replaces, a lower one never does
        if e.status not in PROBLEMS and _rank(e.status) >= _rank(status):
            status = e.status
    last = events[-1] if events else None
    exception = last if last is not None and last.status in PROBLEMS and status not in FINAL else None
    if current in PROBLEMS and status is S.PENDING:
        status = current  # nothing but problems known: keep what was stored
    return Merged(events=events, status=status, changed=status != current, new_events=new, exception=exception)
