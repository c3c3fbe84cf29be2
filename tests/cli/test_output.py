"""How listings and amounts are printed (issue #13: tables squeezed to 80 columns when redirected,
``123.4 USD``)."""

from decimal import Decimal

import orjson

from orderhub.cli.output import emit, money
from orderhub.sandbox.server import Response


def test_money_has_the_currencys_minor_units():
    assert money(Decimal("123.4"), "USD") == "123.40 USD"
    assert money("1500", "JPY") == "1,500 JPY"
    assert money("0.5", "EUR") == "0.50 EUR"
    assert money("not a number", "USD") == "not a number USD"


def test_a_redirected_listing_is_tab_separated_with_every_value_whole(capsys):
    rows = [{"id": "o_" + "x" * 60, "status": "ready_to_ship", "why": "line\nbreak\tand tab"}]
    emit(rows, ["id", "status", "why"], as_json=False, total=3, offset=0)
    out, err = capsys.readouterr()
    assert out.splitlines() == ["id\tstatus\twhy", f"o_{'x' * 60}\tready_to_ship\tline break and tab"]
    assert "showing 1–1 of 3; next: --offset 1" in err


def test_the_sandbox_summary_serializes_status_counts():
    """``GET /_sandbox/summary`` answered a TypeError once a shop had served a request: its status
    counts have integer keys."""
    body = Response.json({"shop": {"statuses": {200: 3, 429: 1}}}).body
    assert orjson.loads(body) == {"shop": {"statuses": {"200": 3, "429": 1}}}
