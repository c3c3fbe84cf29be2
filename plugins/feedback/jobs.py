"""The daemon's feedback jobs, once a minute across workers: feedback pulled from every store whose
connector has it, and items past their deadline to respond escalated."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .pull import pull_all
from .triage import escalate_due


async def escalate_job(hub: Any, scheduled_at: datetime) -> None:
    await escalate_due(hub)


async def pull_job(hub: Any, scheduled_at: datetime) -> None:
    await pull_all(hub)
