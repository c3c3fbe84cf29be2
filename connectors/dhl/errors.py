"""DHL's error answers as orderhub's typed errors: a refusal the carrier explains is a
``RecordError`` (code ``carrier_rejected``) carrying its own words; transport failures, 429s and
5xx are typed by the HTTP adapter before the body is read."""

from typing import Any

from orderhub.extend import RecordError


def rejected(body: dict[str, Any], default: str = "unexpected answer") -> RecordError:
    """The refusal DHL sent (a problem document: ``detail``, else ``title``)."""
    return RecordError(f"DHL: {body.get('detail') or body.get('title') or default}", code="carrier_rejected")


def explain(response: Any) -> str | None:
    """A 4xx body: a problem document (``title``, ``detail``; MyDHL adds ``additionalDetails``)."""
    try:
        body = response.json()
    except ValueError:
        return None
    if not isinstance(body, dict):
        return None
    text = body.get("detail") or body.get("title")
    extra = [str(d) for d in body.get("additionalDetails") or []]
    return "; ".join([text, *extra]) if text and extra else text
