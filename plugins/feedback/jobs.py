"""The daemon's feedback job: items past their deadline to respond, escalated once a minute."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .triage import escalate_due


async def escalate_job(hub: Any, scheduled_at: datetime) -> None:
    await escalate_due(hub)
