from __future__ import annotations

from email.message import EmailMessage
from email.utils import make_msgid
from string import Template
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from orderhub.extend import (
    RecordError,
    SmtpSettings,
    get_logger,
    parse_settings,
    resolve_secret,
    send_mail,
)

log = get_logger()
TARGET = "plugin:notify"


class Hook(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str
    bearer_token: str | None = None


class Text(BaseModel):
    model_config = ConfigDict(extra="forbid")
    subject: str
    body: str


DEFAULT_TEMPLATES = {
    "shipped": Text(subject="Your order $order_number has shipped",
                    body="Hello $customer_name,\n\nyour order $order_number is on its way with $carrier "
                         "($tracking_number).\nTrack it: $tracking_url\nYour order, and a word to us: $order_page\n"),
    "out_for_delivery": Text(subject="Your order $order_number is out for delivery",
                             body="Hello $customer_name,\n\n$carrier will deliver your order today.\n"
                                  "Track it: $tracking_url\n"),
    "delivered": Text(subject="Your order $order_number was delivered",
                      body="Hello $customer_name,\n\n$carrier delivered your order $order_number.\n"),
    "exception": Text(subject="A problem with the delivery of order $order_number",
                      body="Hello $customer_name,\n\n$carrier reports a problem with your parcel "
                           "($tracking_number). We are on it.\nTrack it: $tracking_url\nTell us: $order_page\n"),
    "attempt_fail": Text(subject="We missed you — order $order_number",
                         body="Hello $customer_name,\n\n$carrier tried to deliver your order. "
                              "Track it: $tracking_url\n"),
    "delayed": Text(subject="Order $order_number is running late",
                    body="Order $order_number ($carrier $tracking_number) has made no progress or is past its "
                         "promised date ($promised).\nThe order's page: $order_page\n"),
}


class StoreSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    templates: dict[str, Text] = Field(default_factory=dict)
    milestones: list[str] | None = None


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    milestones: list[str] = Field(default_factory=lambda: ["shipped", "out_for_delivery", "delivered", "exception"])
    smtp: SmtpSettings | None = None
    webhook: Hook | None = None
    alerts_webhook: Hook | None = None
    templates: dict[str, Text] = Field(default_factory=dict)
    stores: dict[str, StoreSettings] = Field(default_factory=dict)


_settings = Settings()
_hub: Any = None


def configure(config, hub=None):
    global _settings, _hub
    _hub = hub
    _settings = parse_settings(Settings, config.plugins.get("notify", {}), key="plugins.notify")


def _template(store: str, milestone: str) -> Text | None:
    own = _settings.stores.get(store)
    if own and milestone in own.templates:
        return own.templates[milestone]
    return _settings.templates.get(milestone) or DEFAULT_TEMPLATES.get(milestone)


def _wanted(store: str, milestone: str) -> bool:
    own = _settings.stores.get(store)
    milestones = own.milestones if own and own.milestones is not None else _settings.milestones
    return milestone in milestones


def _values(order: Any, shipment: Any, milestone: str) -> dict[str, str]:
    values = {"order_number": order.number or order.external_id, "customer_name": order.customer.name or "customer",
              "store": order.store, "carrier": shipment.carrier, "service": shipment.service or "",
              "tracking_number": shipment.tracking_number or "", "tracking_url": shipment.tracking_url or "",
              "status": shipment.status.value, "milestone": milestone,
              "promised": shipment.promised_at.isoformat() if shipment.promised_at else "unknown"}
    links = _hub.order_links(order) if _hub is not None else {}
    # the order's own page where a plugin gives one (feedback's tracking page), else the carrier's
    return {**values, **links, "order_page": links.get("order_page") or values["tracking_url"]}


def on_shipment_milestone(order, shipment, milestone, outbox):
    """Queue this milestone's sends (no I/O here: we are inside the hub's transaction)."""
    values = _values(order, shipment, milestone)
    key = f"notify:{shipment.id}:{milestone}"
    if milestone == "delayed":  # an operator's alert, not a customer's email, unless asked for
        if _settings.alerts_webhook:
            outbox.push("alert", {"event": "delayed", **values}, key=f"{key}:alert", target=TARGET)
        if not _wanted(order.store, milestone):
            return
    elif not _wanted(order.store, milestone):
        return
    text = _template(order.store, milestone)
    if _settings.smtp and order.customer.email and text:
        outbox.push("email", {"to": order.customer.email, "subject": Template(text.subject).safe_substitute(values),
                              "body": Template(text.body).safe_substitute(values), "milestone": milestone},
                    key=f"{key}:email", target=TARGET)
    if _settings.webhook:
        outbox.push("webhook", {"event": f"shipment.{milestone}", "email": order.customer.email, **values},
                    key=f"{key}:webhook", target=TARGET)


def deliver_push(store, target, kind, order, payload, key):
    if target != TARGET:
        return None
    if kind == "email":
        return _send_email(payload, key)
    if kind in ("webhook", "alert"):
        hook = _settings.webhook if kind == "webhook" else _settings.alerts_webhook
        if hook is None:
            raise RecordError(f"plugins.notify.{kind}: no URL configured any more", code="not_configured")
        return _post(hook, payload, key)
    raise RecordError(f"notify cannot deliver {kind!r}", code="unknown_push")


async def _send_email(payload: dict[str, Any], key: str) -> dict[str, Any]:
    smtp = _settings.smtp
    if smtp is None:
        raise RecordError("plugins.notify.smtp is not configured any more", code="not_configured")
    msg = EmailMessage()
    msg["From"] = smtp.sender
    msg["To"] = payload["to"]
    msg["Subject"] = payload["subject"]
    msg["Message-ID"] = make_msgid(idstring=key.replace(":", "."), domain="orderhub")
    msg["X-Orderhub-Key"] = key
    msg.set_content(payload["body"])
    await send_mail(smtp, msg, key="plugins.notify.smtp")
    log.info("customer_notified", channel="email", milestone=payload.get("milestone"), key=key)
    return {"channel": "email", "message_id": msg["Message-ID"]}


async def _post(hook: Hook, payload: dict[str, Any], key: str) -> dict[str, Any]:
    """Through the hub's adapter (``plugin:notify`` in /metrics): 429/5xx transient with the
    server's Retry-After, another 4xx kills the push; the durable push is the retry."""
    headers = {}
    if hook.bearer_token:
        token = resolve_secret(hook.bearer_token, key="plugins.notify.webhook.bearer_token").get_secret_value()
        headers["Authorization"] = f"Bearer {token}"
    resp = await _hub.plugin_http("notify").post(hook.url, json=payload, headers=headers, idempotency_key=key)
    return {"channel": "webhook", "status": resp.status_code}
