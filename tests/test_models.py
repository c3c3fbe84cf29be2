from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import orjson
import pytest
from pydantic import ValidationError

from orderhub.models import Order, order_id, order_json_schema

FIXTURE = Path(__file__).parent / "fixtures" / "canonical_order.json"


def load(**over):
    data = orjson.loads(FIXTURE.read_bytes())
    data.update(store="shop", channel="files", **over)
    return data


def test_money_is_decimal_and_times_are_utc():
    o = Order.model_validate(load())
    assert o.totals.total == Decimal("78.90") and isinstance(o.line_items[0].unit_price, Decimal)
    assert o.created_at == datetime(2026, 11, 2, 8, 15, tzinfo=UTC)
    assert o.shipping_address.country == "DE"
    assert o.requirements.fragile and o.requirements.gift and o.requirements.packaging == "padded box"
    assert o.line_items[0].attributes == {"color": "blue"}


def test_float_money_is_refused_naming_the_field():
    data = load()
    data["totals"]["total"] = 78.9
    with pytest.raises(ValidationError) as exc:
        Order.model_validate(data)
    assert exc.value.errors()[0]["loc"] == ("totals", "total")
    assert "never a float" in str(exc.value)


def test_naive_timestamps_unknown_currency_and_country_are_refused():
    for over, field in (({"created_at": "2026-11-02T09:15:00"}, "created_at"), ({"currency": "EURO"}, "currency")):
        with pytest.raises(ValidationError) as exc:
            Order.model_validate(load(**over))
        assert exc.value.errors()[0]["loc"][0] == field
    data = load()
    data["shipping_address"]["country"] = "XX"
    with pytest.raises(ValidationError, match="country"):
        Order.model_validate(data)


def test_unknown_fields_are_refused():
    with pytest.raises(ValidationError, match="surprise"):
        Order.model_validate(load(surprise=1))


def test_hub_id_is_stable_and_depends_on_store_and_external_id():
    o = Order.model_validate(load())
    assert o.id == order_id("shop", "A-1001") == Order.model_validate(load()).id
    assert order_id("other", "A-1001") != o.id


def test_json_schema_is_exported():
    schema = order_json_schema()
    assert schema["title"] == "Order"
    assert {"line_items", "totals", "payment", "requirements"} <= set(schema["properties"])
    assert "Requirements" in schema["$defs"]
