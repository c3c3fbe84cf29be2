"""FedEx's error answers as orderhub's typed errors: a refusal the carrier explains is a
``RecordError`` (code ``carrier_rejected``) carrying its own words; transport failures, 429s and
5xx are typed by the HTTP adapter before the body is read."""

from typing import Any

from orderhub.extend import RecordError


def rejected(body: dict[str, Any], default: str = "unexpected answer") -> RecordError:
    """The refusal FedEx sent (``errors``: code and message)."""
    text = "; ".join(f"{e.get('code')}: {e.get('message')}" for e in body.get("errors") or []) or default
    return RecordError(f"FedEx: {text}", code="carrier_rejected")


def explain(response: Any) -> str | None:
    """A 4xx body: ``{"errors": [{"code", "message"}]}``."""
    try:
        body = response.json()
    except ValueError:
        return None
    errors = body.get("errors") if isinstance(body, dict) else None
    return "; ".join(f"{e.get('code')}: {e.get('message')}" for e in errors) if errors else None
