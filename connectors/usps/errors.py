"""USPS's error answers as orderhub's typed errors: a refusal the carrier explains is a
``RecordError`` (code ``carrier_rejected``) carrying its own words; transport failures, 429s and
5xx are typed by the HTTP adapter before the body is read."""

from typing import Any

from orderhub.extend import RecordError


def rejected(body: dict[str, Any], default: str = "unexpected answer") -> RecordError:
    """The refusal USPS sent (``error.message``)."""
    return RecordError(f"USPS: {(body.get('error') or {}).get('message') or default}", code="carrier_rejected")


def explain(response: Any) -> str | None:
    """A 4xx body: ``{"error": {"code", "message"}}``."""
    try:
        body = response.json()
    except ValueError:
        return None
    error = body.get("error") if isinstance(body, dict) else None
    return f"{error.get('code')}: {error.get('message')}" if isinstance(error, dict) and error.get("message") else None
