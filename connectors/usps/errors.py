"""USPS's error answers as orderhub's typed errors: a refusal the carrier explains is a
``RecordError`` (code ``carrier_rejected``) carrying its own words; transport failures, 429s and
5xx are typed by the HTTP adapter before the body is read."""

from typing import Any

from orderhub.extend import RecordError


def rejected(body: dict[str, Any], default: str = "unexpected answer") -> RecordError:
    """The refusal USPS sent (``error.message``)."""
    return RecordError(f"USPS: {(body.get('error') or {}).get('message') or default}", code="carrier_rejected")


def explain(response: Any) -> str | None:
    """A 4xx body: ``{"error": {"code", "message", "errors": [{"title", "detail"}]}}``; the
    field-level details say more than the schema validator's message."""
    try:
        body = response.json()
    except ValueError:
        return None
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict) or not error.get("message"):
        return None
    details = [f"{e.get('title') or e.get('code')}: {e.get('detail')}" for e in error.get("errors") or []
               if isinstance(e, dict) and e.get("detail")]
    return "; ".join(details) if details else f"{error.get('code')}: {error.get('message')}"
