"""The daemon's side: the detector job on its schedule, and refused webhooks counted."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from . import samples
from .register import sweep
from .settings import settings

_hub: dict[str, Any] = {}


def remember(hub: Any) -> None:
    """The hub the webhook hook counts into (the hook has no hub argument)."""
    _hub["hub"] = hub


async def detect_job(hub: Any, scheduled_at: datetime) -> None:
    s = settings(hub)
    await samples.flush(hub)
    for store in hub.config.stores:  # this worker's adapters, between syncs too (a long sync is a storm's sign)
        await samples.sample_store(hub, store)
    await sweep(hub, s)
    await samples.prune(hub, older_than=scheduled_at - timedelta(seconds=max(2 * s.window, 86400)))


async def refused(store: str) -> None:
    hub = _hub.get("hub")
    if hub is not None:
        await samples.webhook_refused(hub, store)
