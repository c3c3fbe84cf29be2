"""WooCommerce's refusals in its own words. The REST API answers an error with
``{"code": "woocommerce_rest_shop_order_invalid_id", "message": "Invalid ID.", "data": {"status": 404}}``
— https://woocommerce.github.io/woocommerce-rest-api-docs/#errors."""

from __future__ import annotations

from typing import Any

import orjson


def explain(response: Any) -> str | None:
    try:
        body = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        return None
    if isinstance(body, dict) and body.get("message"):
        return f"{body.get('code') or 'error'}: {body['message']}"
    return None
