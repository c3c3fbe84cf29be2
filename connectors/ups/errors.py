"""UPS's error answers as orderhub's typed errors: a refusal the carrier explains is a
``RecordError`` (code ``carrier_rejected``) carrying its own words; transport failures, 429s and
5xx are typed by the HTTP adapter before the body is read."""

from typing import Any

from orderhub.extend import RecordError


def answer_part(body: dict[str, Any], root: str) -> dict[str, Any]:
    """``body[root]``, or the refusal UPS sent instead (``response.errors``: code and message)."""
    resp = body.get(root)
    if not isinstance(resp, dict):
        errors = (body.get("response") or {}).get("errors") or []
        text = "; ".join(f"{e.get('code')}: {e.get('message')}" for e in errors) or f"no {root} in the answer"
        raise RecordError(f"UPS: {text}", code="carrier_rejected")
    return resp


def explain(response: Any) -> str | None:
    """A 4xx body: ``{"response": {"errors": [{"code", "message"}]}}``."""
    try:
        body = response.json()
    except ValueError:
        return None
    errors = ((body or {}).get("response") or {}).get("errors") if isinstance(body, dict) else None
    return "; ".join(f"{e.get('code')}: {e.get('message')}" for e in errors) if errors else None
