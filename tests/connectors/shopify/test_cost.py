"""The calculated query cost, by the rules Shopify documents
(https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits#cost-calculation): scalars and
enums 0, objects 1, a connection 2 plus ``first`` times its node, a mutation 10, an interface's
fragments the dearest of them; the actual cost counts what came back."""

from orderhub_connectors.shopify import client, cost, queries


def test_requested_cost_follows_the_documented_rules():
    assert cost.requested("{ shop { name } }") == 1
    assert cost.requested("{ shop { name currencyCode } }") == 1  # scalars and enums are free
    assert cost.requested("{ products(first: 10) { nodes { title } } }") == 2 + 10 * 1
    assert cost.requested("query($n: Int!) { products(first: $n) { nodes { title featuredImage { url } } } }",
                          {"n": 5}) == 2 + 5 * 2
    nested = "{ orders(first: 4) { edges { node { lineItems(first: 3) { nodes { sku } } } } } }"
    assert cost.requested(nested) == 2 + 4 * (1 + 2 + 3 * 1)
    assert cost.requested("{ node(id: \"x\") { ... on Order { customer { id } } ... on Product { id } } }") == 2
    assert cost.requested('mutation { orderCancel(orderId: "x") { job { id } } }') == cost.MUTATION


def test_actual_cost_counts_what_came_back():
    doc = "{ orders(first: 10) { nodes { customer { id } } } }"
    data = {"orders": {"nodes": [{"customer": {"id": "1"}}, {"customer": None}]}}
    assert cost.requested(doc) == 2 + 10 * 2
    assert cost.actual(doc, None, data) == 2 + 2 + 1  # two orders, one with a customer


def test_the_connectors_queries_stay_under_the_single_query_limit():
    page = client._most(queries.ORDERS, "first", 250, lines=10)  # the page size the connector picks
    assert page >= 1
    assert cost.requested(queries.ORDERS, {"first": page, "lines": 10}) <= cost.MAX_QUERY_COST
    assert cost.requested(queries.ORDERS, {"first": page + 1, "lines": 10}) > cost.MAX_QUERY_COST
    assert cost.requested(queries.ORDER_LINE_ITEMS, {"lines": client._FOLLOW_UP_LINES}) <= cost.MAX_QUERY_COST
    for doc in (queries.FULFILLMENT_ORDERS, queries.VARIANT_BY_SKU, queries.BULK_STATUS, queries.CURRENT_BULK):
        assert cost.requested(doc, {}) < 200
