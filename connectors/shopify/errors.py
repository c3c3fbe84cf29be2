"""Shopify's refusals in its own words. The Admin REST API answers a 4xx with ``{"errors": ...}``:
a string (``"[API] Invalid API key or access token"``), or a map from field to messages
(``{"line_items": ["is invalid"]}``) for a 422 — https://shopify.dev/docs/api/usage/response-codes."""

from __future__ import annotations

from typing import Any

import orjson


def explain(response: Any) -> str | None:
    try:
        body = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        return None
    errors = body.get("errors") if isinstance(body, dict) else None
    if isinstance(errors, str):
        return errors
    if isinstance(errors, dict):
        return "; ".join(f"{k}: {', '.join(map(str, v)) if isinstance(v, list) else v}" for k, v in errors.items())
    if isinstance(errors, list):
        return "; ".join(map(str, errors))
    return None
