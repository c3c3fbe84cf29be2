"""OAuth client credentials for carrier APIs: one token per account, refreshed before it expires."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any


class OAuthToken:
    """An OAuth client-credentials token: fetched when first needed, refreshed shortly before it
    expires or when the API says it is no longer valid. One fetch at a time."""

    def __init__(self, fetch: Callable[[], Awaitable[tuple[str, float]]], *, margin: float = 60.0) -> None:
        self._fetch = fetch
        self._margin = margin
        self._token: str | None = None
        self._expires = 0.0
        self._lock = asyncio.Lock()
        self.fetches = 0

    async def get(self) -> str:
        if self._token and time.monotonic() < self._expires:
            return self._token
        async with self._lock:
            if not self._token or time.monotonic() >= self._expires:
                token, lifetime = await self._fetch()
                self.fetches += 1
                self._token = token
                self._expires = time.monotonic() + max(1.0, lifetime - min(self._margin, lifetime / 10))
        return self._token

    def invalidate(self) -> None:
        self._token, self._expires = None, 0.0


def expires_in(body: dict[str, Any], default: float = 3600.0) -> float:
    """``expires_in`` as seconds; UPS sends it as a string, FedEx and USPS as a number."""
    try:
        return float(body.get("expires_in", default))
    except (TypeError, ValueError):
        return default
