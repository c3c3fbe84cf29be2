"""Bad input, generated: marketplace payloads and webhook deliveries mutated by hypothesis.

Every input either normalizes to an order or is refused with a RecordError that names the
problem (which intake quarantines); the webhook endpoint answers 2xx or a 4xx with an error code,
never a 5xx, and every signed delivery it accepts leaves its order stored or quarantined.
"""

import json
import os
from collections import Counter
import tempfile
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
import pytest
import sqlalchemy as sa

from orderhub.config import parse_config
from orderhub.intake.connector import RawRecord
from orderhub.db.engine import make_sync_engine
from orderhub.errors import RecordError
from orderhub.hub import Hub
from orderhub.intake.ingest import normalize
from orderhub_connectors.shopify.emulator import ShopifyShop
from orderhub_connectors.woocommerce.emulator import WooShop
from orderhub.web.app import create_app

DELETE = object()
SEEN: Counter = Counter()  # what the generated inputs came to, printed at the end of the run
SHOP = ShopifyShop(name="shop1", count=50, seed=7)
WOO = WooShop(name="woo1", count=50, seed=8)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))

json_leaf = st.one_of(st.none(), st.booleans(), st.integers(min_value=-2**63, max_value=2**64),
                      st.floats(allow_nan=False), st.text(max_size=30),
                      st.sampled_from(["", "-1", "1e309", "NaN", "12.345.6", "2026-13-45T99:00:00Z", "\x00", "ZZ"]))
json_value = st.recursive(json_leaf, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                            st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                          max_leaves=6)

# One worker runs the whole module under pytest-xdist, so its closing figure counts every payload.
pytestmark = pytest.mark.xdist_group("bad_input")


def paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path into a JSON document (dict keys and list indexes), the root excluded."""
    out = []
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
    for k, v in items:
        out.append(prefix + (k,))
        out += paths(v, prefix + (k,))
    return out


def mutate(doc: Any, path: tuple, new: Any) -> None:
    for k in path[:-1]:
        doc = doc[k]
    if new is DELETE:
        del doc[path[-1]]
    else:
        doc[path[-1]] = new


@st.composite
def mutated(draw, shop) -> dict[str, Any]:
    """A real-format order of ``shop`` with up to five fields replaced by any JSON or removed."""
    doc = json.loads(json.dumps(shop.order(draw(st.integers(0, shop.count - 1))), default=str))
    for _ in range(draw(st.integers(1, 5))):
        where = paths(doc)
        if not where:
            break
        path = draw(st.sampled_from(where))
        mutate(doc, path, draw(st.one_of(st.just(DELETE), json_value)))
    return doc


os.environ.setdefault("ORDERHUB_FUZZ_SHOP_TOKEN", "tok")
os.environ.setdefault("ORDERHUB_FUZZ_WEBHOOK_SECRET", "hush")
os.environ.setdefault("ORDERHUB_FUZZ_WOO_KEY", "ck")
os.environ.setdefault("ORDERHUB_FUZZ_WOO_SECRET", "cs")
_dir = tempfile.mkdtemp(prefix="orderhub-badinput-")
CONFIG = parse_config({
    "database": {"url": f"sqlite:///{_dir}/hub.db"},
    "stores": {
        "shop1": {"connector": "shopify", "base_url": "http://127.0.0.1:9/shopify/shop1",
                  "credentials": {"access_token": "env:ORDERHUB_FUZZ_SHOP_TOKEN",
                                  "webhook_secret": "env:ORDERHUB_FUZZ_WEBHOOK_SECRET"}},
        "woo1": {"connector": "woocommerce", "base_url": "http://127.0.0.1:9/woocommerce/woo1",
                 "credentials": {"consumer_key": "env:ORDERHUB_FUZZ_WOO_KEY",
                                 "consumer_secret": "env:ORDERHUB_FUZZ_WOO_SECRET",
                                 "webhook_secret": "env:ORDERHUB_FUZZ_WEBHOOK_SECRET"}},
    },
})
HUB = Hub(CONFIG)
HUB.migrate()
SHOP.webhook_secret = WOO.webhook_secret = "hush"


def check_normalizes_or_names_the_problem(store: str, payload: dict[str, Any]) -> None:
    record = RawRecord(payload, external_id=str(payload.get("id")), location="fuzz")
    try:
        ingested = normalize(HUB.connector(store), record)
    except RecordError as exc:
        assert exc.message and exc.code, exc  # a reason quarantine can show
        SEEN["payloads refused with a reason"] += 1
        return
    assert ingested.order.store == store and ingested.payload_hash
    SEEN["payloads normalized"] += 1


@FUZZ
@given(mutated(SHOP))
def test_shopify_payloads_normalize_or_are_refused_with_a_reason(payload):
    check_normalizes_or_names_the_problem("shop1", payload)


@FUZZ
@given(mutated(WOO))
def test_woocommerce_payloads_normalize_or_are_refused_with_a_reason(payload):
    check_normalizes_or_names_the_problem("woo1", payload)


@FUZZ
@given(st.one_of(json_value, st.lists(json_value, max_size=3)))
def test_any_json_at_all_is_refused_with_a_reason_not_an_exception(payload):
    for store in ("shop1", "woo1"):
        if isinstance(payload, dict):
            check_normalizes_or_names_the_problem(store, payload)


@pytest.fixture(scope="module", autouse=True)
def _report():
    yield
    from .conftest import _FIGURES

    _FIGURES.append("bad input: " + ", ".join(f"{n} {k}" for k, n in sorted(SEEN.items())) + "; 0 unhandled")


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(HUB)) as c:
        yield c


bodies = st.one_of(
    st.builds(lambda d: json.dumps(d, default=str).encode(), st.one_of(mutated(SHOP), mutated(WOO))),
    st.binary(max_size=200),
    st.builds(lambda v: json.dumps(v).encode(), json_value),
)


@FUZZ
@given(store=st.sampled_from(["shop1", "woo1"]), body=bodies, signing=st.sampled_from(["valid", "forged", "none"]),
       delivery=st.one_of(st.none(), st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1,
                                              max_size=20)))
def test_the_webhook_endpoint_never_fails_and_keeps_what_it_accepts(client, store, body, signing, delivery):
    shop = SHOP if store == "shop1" else WOO
    headers = shop.webhook_headers("orders/updated" if store == "shop1" else "order.updated", body,
                                   delivery or "x")
    if delivery is None:
        headers = {k: v for k, v in headers.items() if "Id" not in k and "ID" not in k}
    sig = "X-Shopify-Hmac-Sha256" if store == "shop1" else "X-WC-Webhook-Signature"
    if signing == "forged":
        headers[sig] = shop.sign(body + b"tampered")
    elif signing == "none":
        headers.pop(sig)
    resp = client.post(f"/webhooks/{store}", content=body, headers=headers)
    assert resp.status_code < 500, resp.text
    SEEN[f"webhooks answered {resp.status_code}"] += 1
    if signing != "valid":
        assert resp.status_code in (400, 401) and resp.json()["error"]
        return
    assert resp.status_code in (200, 400), resp.text
    if resp.status_code == 400:
        assert resp.json()["error"]  # a genuine delivery that carries no usable order says why
        return
    out = resp.json()
    assert out["status"] in ("stored", "duplicate", "ignored")
    try:
        doc = json.loads(body)
    except ValueError:
        return
    if out["status"] == "stored" and isinstance(doc, dict) and doc.get("id") is not None:
        engine = make_sync_engine(CONFIG.database.url)
        with engine.connect() as conn:
            ext = str(doc["id"])
            kept = conn.execute(sa.text("select (select count(*) from orders where store = :s and external_id = :e)"
                                        " + (select count(*) from quarantine where store = :s and external_id = :e)"),
                                {"s": store, "e": ext}).scalar_one()
        engine.dispose()
        assert kept >= 1, f"accepted delivery of order {ext} is neither stored nor quarantined"


def test_an_integer_beyond_64_bits_is_hashed_and_stored_not_a_crash(client):
    """Valid JSON that orjson will not write: a genuine delivery carrying it is still kept."""
    doc = json.loads(json.dumps(SHOP.order(3), default=str))
    doc["id"] = 2 ** 70
    body = json.dumps(doc).encode()
    resp = client.post("/webhooks/shop1", content=body,
                       headers=SHOP.webhook_headers("orders/updated", body, "big-int-1"))
    assert resp.status_code == 200 and resp.json()["status"] == "stored", resp.text
