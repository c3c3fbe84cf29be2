"""WooCommerce product reviews as feedback (issue #18), against the sandbox's WooCommerce: pulled
incrementally and idempotently, each review's HTML read as text, its product's SKU looked up, and
the review linked to the reviewer's order of that product (by e-mail and SKU).

Fields as https://developer.woocommerce.com/docs/apis/rest-api/v3/product-reviews/ documents them
(id, date_created_gmt, product_id, status, reviewer, reviewer_email, review as HTML, rating 0–5,
verified); the list's ``after``, ``orderby=date_gmt``, ``page``/``per_page`` and ``X-WP-TotalPages``."""

import pytest

from orderhub.errors import RecordError
from orderhub.testing.sandbox import SandboxHarness
from orderhub_connectors.woocommerce.mapping import feedback_from_review
from orderhub_plugins.feedback import store
from orderhub_plugins.feedback.pull import pull
from tests.helpers import make_hub


@pytest.fixture
def woo(tmp_path):
    harness = SandboxHarness("woocommerce", tmp_path)
    harness.seed(30)
    yield harness
    harness.close()


async def test_reviews_are_pulled_once_and_linked_to_the_reviewers_order(tmp_path, woo):
    from orderhub.intake.ingest import ingest_page

    cfg = woo.store_config()
    cfg["page_size"] = 4  # several pages of reviews
    hub = make_hub(f"sqlite:///{tmp_path}/hub.db", [], stores={"woo1": cfg})
    hub.migrate()
    connector, cursor = hub.connector("woo1"), None
    while True:  # the orders first, as the daemon has them
        page = await connector.fetch_orders(cursor)
        async with hub.engine.begin() as conn:
            await ingest_page(conn, connector, page)
        cursor = page.cursor
        if not page.has_more:
            break
    first = await pull(hub, "woo1")
    again = await pull(hub, "woo1")
    assert (len(first.new), len(first.quarantined)) == (6, 0)  # one review for every fifth of 30 orders
    assert len(again.new) == 0  # the cursor (a day behind) re-reads: the same items
    async with hub.engine.connect() as conn:
        items = await store.listing(conn, status="all")
    assert {i["source"] for i in items} == {"woo1"} and all(i["external_id"].startswith("review-") for i in items)
    assert all(i["order_id"] and i["skus"] and "@example.com" in i["author"] for i in items), items
    texts = {i["text"] for i in items}
    assert all("<p>" not in t for t in texts)
    assert {i["language"] for i in items} <= {"en", "zh"}
    await hub.aclose()


def test_a_review_maps_to_a_row_and_a_broken_one_is_refused():
    review = {"id": 22, "date_created_gmt": "2026-11-03T10:00:00", "product_id": 101, "status": "approved",
              "reviewer": "Ana P.", "reviewer_email": "ana@example.com", "review": "<p>Arrived &amp; broken</p>\n",
              "rating": 0, "verified": True}
    row = feedback_from_review(review, sku="MUG-1", channel="woocommerce")
    assert row == {"id": "review-22", "kind": "review", "channel": "woocommerce", "created_at": "2026-11-03T10:00:00Z",
                   "rating": None, "text": "Arrived & broken", "author": "ana@example.com", "sku": ["MUG-1"]}
    with pytest.raises(RecordError, match="date_created_gmt"):
        feedback_from_review({**review, "date_created_gmt": None}, sku=None, channel="woocommerce")


async def test_a_reply_is_posted_under_the_review_once(tmp_path, woo):
    """An operator's reply to a review goes back as a WordPress comment under it (parent = the
    review, post = its product: https://developer.wordpress.org/rest-api/reference/comments/),
    by a durable push; a repeat after a lost answer finds it and posts nothing more."""
    from orderhub.outbox.delivery import deliver_due
    from orderhub_plugins.feedback.triage import act

    hub = make_hub(f"sqlite:///{tmp_path}/hub.db", [], stores={"woo1": woo.store_config()})
    hub.migrate()
    await pull(hub, "woo1")
    async with hub.engine.connect() as conn:
        item = (await store.listing(conn))[0]
    await act(hub, item["id"], "respond", "ana", text="So sorry! A replacement is on its way.")
    assert (await deliver_due(hub, "woo1")).delivered == 1
    replies = woo.shop.replies
    assert [(r["parent"], r["content"]["raw"]) for r in replies] == [
        (int(item["external_id"].split("-")[1]), "So sorry! A replacement is on its way.")]
    connector = hub.connector("woo1")
    again = await connector.push_feedback_reply({"external_id": item["external_id"],
                                                 "text": "So sorry! A replacement is on its way."}, key="k")
    assert again["already"] and len(woo.shop.replies) == 1
    await hub.aclose()
