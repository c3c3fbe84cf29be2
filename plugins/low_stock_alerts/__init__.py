"""``low_stock_alerts``: log every low-stock crossing and, if configured, POST it to a webhook.

    [plugins.low_stock_alerts]
    webhook_url = "https://hooks.example.com/stock"   # optional: Slack-style or your own endpoint
    bearer_token = "env:STOCK_HOOK_TOKEN"             # optional

The POST is a best-effort alert (the durable record is the inventory row's ``low`` flag and
``orderhub inventory list --low``); a failing webhook is logged with the SKU and location.
"""

from __future__ import annotations

from typing import Any

from orderhub import hookimpl

_settings: dict[str, Any] = {}


@hookimpl
def configure(config, hub):
    _settings.clear()
    _settings.update(config.plugins.get("low_stock_alerts", {}))
    _settings["hub"] = hub


@hookimpl
def on_low_stock(level, threshold):
    from orderhub.extend import get_logger

    get_logger().warning("low_stock", sku=level.sku, location=level.location, available=level.available,
                on_hand=level.on_hand, reserved=level.reserved, threshold=threshold)
    url = _settings.get("webhook_url")
    if url:
        return _post(url, level, threshold)
    return None


async def _post(url: str, level, threshold: int) -> None:
    """Best effort, through the hub's adapter (``plugin:low_stock_alerts`` in /metrics)."""
    from orderhub.extend import OrderhubError, get_logger, resolve_secret

    headers = {}
    token = _settings.get("bearer_token")
    if token:
        headers["Authorization"] = f"Bearer {resolve_secret(token, key='plugins.low_stock_alerts.bearer_token').get_secret_value()}"
    body = {"event": "low_stock", "sku": level.sku, "location": level.location, "available": level.available,
            "on_hand": level.on_hand, "reserved": level.reserved, "threshold": threshold,
            "text": f"Low stock: {level.sku} at {level.location} has {level.available} available "
                    f"(threshold {threshold})"}
    try:
        await _settings["hub"].plugin_http("low_stock_alerts").post(url, json=body, headers=headers)
    except OrderhubError as exc:
        get_logger().error("low_stock_alert_failed", sku=level.sku, location=level.location, error=exc.message)
