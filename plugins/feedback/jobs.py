"""The daemon's feedback jobs, once a minute across workers: returns and refund notes read from the
orders changed since (no store is called: the stores' own feedback is pulled in their turn, at the
end of each sync), and items past their deadline to respond escalated."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .returns import import_returns
from .triage import escalate_due


async def escalate_job(hub: Any, scheduled_at: datetime) -> None:
    await escalate_due(hub)


async def returns_job(hub: Any, scheduled_at: datetime) -> None:
    await import_returns(hub)
