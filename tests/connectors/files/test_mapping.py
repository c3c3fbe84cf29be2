"""Pure mapping of file records (the CSV columns are documented in the README)."""

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo
import csv

import pytest

from orderhub.errors import RecordError
from orderhub.lifecycle import OrderStatus
from orderhub_connectors.files import mapping

FIXTURES = Path(mapping.__file__).parent / "fixtures"


def rows_of(order_id):
    with (FIXTURES / "pos_export.csv").open(newline="") as fh:
        reader = csv.DictReader(fh)
        return [(reader.line_num, r) for r in reader if r["order_id"] == order_id]


def test_multi_line_csv_order_maps_every_column():
    o = mapping.order_from_csv_rows(rows_of("P-1"), store="pos", channel="files", tz=ZoneInfo("Europe/Berlin"),
                                    file="pos_export.csv")
    assert (o.external_id, o.number, o.currency, o.channel_status) == ("P-1", "1001", "EUR", "paid")
    assert o.created_at == datetime(2026, 11, 3, 9, 0, tzinfo=UTC)  # naive time read in the store's zone
    assert [(li.sku, li.quantity, li.unit_price) for li in o.line_items] == [
        ("MUG-001", 2, Decimal("12.50")), ("VASE-GLS", 1, Decimal("0.00"))]
    assert o.line_items[0].attributes == {"color": "blue", "size": "L"}
    assert o.totals.subtotal == Decimal("25.00") and o.totals.tax == Decimal("5.68")
    assert o.totals.discounts == Decimal("2.00") and o.totals.total == Decimal("40.83")
    assert o.shipping_lines[0].title == "DHL" and o.discounts[0].code == "WELCOME"
    assert o.payment.status == "paid" and o.totals.paid == Decimal("40.83")
    assert o.shipping_address.country == "DE" and o.shipping_address.lines == ["Unter den Linden 1"]
    assert o.requirements.gift and o.requirements.gift_message == "Enjoy" and not o.requirements.fragile
    assert o.requirements.delivery_window.latest == datetime(2026, 11, 7, 18, tzinfo=UTC)
    assert o.requirements.notes == "leave at door" and o.tags == ["gift", "repeat"]


def test_cancelled_export_row_asks_for_cancellation():
    o = mapping.order_from_csv_rows(rows_of("P-2"), store="pos", channel="files", tz=UTC, file="x.csv")
    assert o.channel_target is OrderStatus.CANCELLED and o.payment.status == "refunded"
    assert o.requirements.fragile and o.requirements.packaging == "padded box"


@pytest.mark.parametrize("column,value,message", [
    ("quantity", "two", "quantity: 'two' is not a whole number"),
    ("unit_price", "12,50", "unit_price: '12,50' is not a decimal amount"),
    ("created_at", "yesterday", "created_at: 'yesterday' is not an ISO 8601 timestamp"),
    ("payment_status", "maybe", "payment_status: 'maybe' is not one of"),
    ("fragile", "perhaps", "fragile: 'perhaps' is not true/false"),
    ("sku", "", "sku: is required"),
])
def test_bad_cells_name_the_row_and_column(column, value, message):
    rows = rows_of("P-1")
    rows[0][1][column] = value
    with pytest.raises(RecordError) as exc:
        mapping.order_from_csv_rows(rows, store="pos", channel="files", tz=UTC, file="pos_export.csv")
    assert message in str(exc.value) and "pos_export.csv row 2" in str(exc.value)
    assert exc.value.context["field"] == column


def test_json_order_in_canonical_shape():
    raw = {"external_id": "J-1", "status": "Cancelled", "created_at": "2026-11-01T00:00:00Z",
           "updated_at": "2026-11-01T00:00:00Z", "currency": "usd",
           "line_items": [{"sku": "A", "title": "A", "quantity": 1, "unit_price": "1.00"}],
           "totals": {"subtotal": "1.00", "total": "1.00"}, "payment": {"status": "pending"},
           "store": "ignored", "id": "ignored"}
    o = mapping.order_from_json(raw, store="web", channel="files")
    assert (o.store, o.currency, o.channel_status, o.channel_target) == ("web", "USD", "Cancelled", OrderStatus.CANCELLED)
    assert o.id.startswith("ord_")
