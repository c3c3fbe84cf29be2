"""The Shopify emulator's GraphQL Admin API: the same shop as its REST side, answered the way
https://shopify.dev/docs/api/admin-graphql/2025-01 documents — ``Order`` nodes built from the very
orders REST serves (so both APIs list the same orders), cursor pagination, the calculated query
cost with a restore rate per plan (``THROTTLED`` in an HTTP 200 when the bucket is short,
``MAX_COST_EXCEEDED`` above 1,000 points), and the mutations the connector sends, recorded as
pushes. Operations are told apart by their root fields, not executed against a schema: a node
carries every field the connector's documents select, and the cost is counted on the query's own
selections.
"""

from __future__ import annotations

import base64
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Callable

import orjson
from graphql import FieldNode, OperationDefinitionNode, value_from_ast_untyped

from . import cost
from .units import RESTORE_RATE
EVENT_STATUSES = frozenset({"label_printed", "label_purchased", "attempted_delivery", "ready_for_pickup", "confirmed",
                            "in_transit", "out_for_delivery", "delivered", "failure", "carrier_picked_up"})


def cursor(state: Any) -> str:
    """An opaque page token for ``state`` (REST's ``page_info``, GraphQL's ``endCursor``)."""
    return base64.urlsafe_b64encode(orjson.dumps(state)).decode().rstrip("=")


def uncursor(token: str) -> Any:
    return orjson.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))


_SINCE = re.compile(r"""updated_at:>=['"]?([^'"\s]+)""")


def _since(query: str) -> str:
    """The time of a search query ``updated_at:>='…'``, alone or inside a bulk query's document
    (empty: every order)."""
    m = _SINCE.search(query)
    return m[1] if m else ""


def _utc(value: Any) -> Any:
    """REST's ``2024-05-01T10:00:00+00:00`` as GraphQL's ``2024-05-01T10:00:00Z`` (bad values stay bad)."""
    try:
        at = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return value
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if at.tzinfo else value


def _address(a: dict[str, Any] | None) -> dict[str, Any] | None:
    if not a:
        return None
    return {"name": a.get("name"), "firstName": a.get("first_name"), "lastName": a.get("last_name"),
            "company": a.get("company"), "address1": a.get("address1"), "address2": a.get("address2"),
            "city": a.get("city"), "province": a.get("province"), "provinceCode": a.get("province_code"),
            "zip": a.get("zip"), "countryCodeV2": a.get("country_code"), "phone": a.get("phone")}


def _utc_to_rest(value: str) -> str:
    """A ``Z`` time compared with the REST side's ``+00:00`` sort keys."""
    return value[:-1] + "+00:00" if value.endswith("Z") else value


def order_node(o: dict[str, Any], i: int) -> dict[str, Any]:
    """The GraphQL ``Order`` of the REST order ``o`` (sandbox order ``i``)."""
    currency = o.get("currency")

    def m(amount: Any) -> dict[str, Any]:
        return {"shopMoney": {"amount": amount, "currencyCode": currency}}

    lines = [{
        "id": f"gid://shopify/LineItem/{li['id']}", "sku": li.get("sku"), "name": li.get("name"),
        "title": li.get("title"), "variantTitle": li.get("variant_title"), "quantity": li.get("quantity"),
        "unfulfilledQuantity": li.get("fulfillable_quantity"), "requiresShipping": li.get("requires_shipping", True),
        "originalUnitPriceSet": m(li.get("price")),
        "discountAllocations": [{"allocatedAmountSet": m(d.get("amount")),
                                 "discountApplication": {"index": d.get("discount_application_index", 0)}}
                                for d in li.get("discount_allocations") or []],
        "taxLines": [{"priceSet": m(t.get("price"))} for t in li.get("tax_lines") or []],
        "customAttributes": [{"key": p["name"], "value": p.get("value")} for p in li.get("properties") or []],
        "variant": {"inventoryItem": {"measurement": {"weight": {"unit": "GRAMS", "value": float(li["grams"])}}}}
        if li.get("grams") else None,
    } for li in o.get("line_items") or []]
    customer = o.get("customer")
    refunds = [t for r in o.get("refunds") or [] for t in r.get("transactions") or []]
    captured = o.get("financial_status") in ("paid", "partially_refunded", "refunded")
    risky = i % 53 == 7
    paid = o.get("payment_details") or {}
    card = {"avsResultCode": paid.get("avs_result_code"), "cvvResultCode": paid.get("cvv_result_code"),
            "bin": paid.get("credit_card_bin"), "number": paid.get("credit_card_number"),
            "expirationMonth": None, "expirationYear": None, "company": paid.get("credit_card_company")}
    kind = "SALE" if captured else "AUTHORIZATION" if o.get("financial_status") == "authorized" else None
    transactions = ([{"kind": kind, "status": "SUCCESS", "gateway": "shopify_payments",
                      "amountSet": m(o.get("total_price")), "paymentDetails": card}] if kind else [])
    transactions += [{"kind": "REFUND", "status": str(t.get("status", "")).upper(), "gateway": t.get("gateway"),
                      "amountSet": m(t.get("amount")), "paymentDetails": None}
                     for t in refunds if t.get("kind") == "refund"]
    return {
        "id": f"gid://shopify/Order/{o['id']}", "legacyResourceId": str(o["id"]), "name": o.get("name"),
        "confirmationNumber": o.get("confirmation_number"), "createdAt": _utc(o.get("created_at")),
        "updatedAt": _utc(o.get("updated_at")), "cancelledAt": _utc(o["cancelled_at"]) if o.get("cancelled_at") else None,
        "cancelReason": (o.get("cancel_reason") or "").upper() or None, "email": o.get("email"), "phone": o.get("phone"),
        "note": o.get("note"), "tags": [t.strip() for t in (o.get("tags") or "").split(",") if t.strip()],
        "taxesIncluded": o.get("taxes_included"), "currencyCode": currency,
        "paymentGatewayNames": o.get("payment_gateway_names") or [],
        "displayFinancialStatus": (o.get("financial_status") or "pending").upper(),
        "displayFulfillmentStatus": {"fulfilled": "FULFILLED", "partial": "PARTIALLY_FULFILLED",
                                     "restocked": "RESTOCKED"}.get(o.get("fulfillment_status") or "", "UNFULFILLED"),
        "customAttributes": [{"key": a["name"], "value": a.get("value")} for a in o.get("note_attributes") or []],
        "subtotalPriceSet": m(o.get("subtotal_price")), "totalPriceSet": m(o.get("total_price")),
        "totalTaxSet": m(o.get("total_tax")), "totalDiscountsSet": m(o.get("total_discounts")),
        "totalShippingPriceSet": m(((o.get("total_shipping_price_set") or {}).get("shop_money") or {}).get("amount")),
        "totalOutstandingSet": m(o.get("total_outstanding")),
        "customer": {"id": f"gid://shopify/Customer/{customer['id']}", "legacyResourceId": str(customer["id"]),
                     "firstName": customer.get("first_name"), "lastName": customer.get("last_name"),
                     "email": customer.get("email"), "phone": customer.get("phone")} if customer else None,
        "shippingAddress": _address(o.get("shipping_address")), "billingAddress": _address(o.get("billing_address")),
        "taxLines": [{"title": t.get("title"), "rate": t.get("rate"), "priceSet": m(t.get("price"))}
                     for t in o.get("tax_lines") or []],
        "discountApplications": {"nodes": [{"index": n, "code": d.get("code")}
                                           for n, d in enumerate(o.get("discount_applications") or [])]},
        "lineItems": {"nodes": lines},
        "shippingLines": {"nodes": [{"code": s.get("code"), "title": s.get("title"),
                                     "originalPriceSet": m(s.get("price")),
                                     "taxLines": [{"priceSet": m(t.get("price"))} for t in s.get("tax_lines") or []],
                                     "discountAllocations": []} for s in o.get("shipping_lines") or []]},
        "transactions": transactions,
        "risk": {"recommendation": "CANCEL" if risky else "ACCEPT", "assessments": [{
            "riskLevel": "HIGH" if risky else "LOW", "provider": None,
            "facts": [{"description": "Billing and shipping countries differ" if risky else
                       "Payment was processed by a verified gateway",
                       "sentiment": "NEGATIVE" if risky else "POSITIVE"}]}]},
        "returns": {"nodes": _returns(o, i)},
        "refunds": [{"id": f"gid://shopify/Refund/{r['id']}", "note": r.get("note"), "createdAt": _utc(r.get("created_at"))}
                    for r in o.get("refunds") or []],
    }


#: Why sandbox customers send things back: Shopify's ReturnReason values, with what they wrote.
RETURN_REASONS = (("DEFECTIVE", "Stopped working after two days."), ("WRONG_ITEM", "This is not the colour I ordered."),
                  ("SIZE_TOO_SMALL", "Runs small, I need a size up."), ("NOT_AS_DESCRIBED", "质量和描述的不一样。"),
                  ("UNWANTED", None), ("OTHER", "Arrived broken, the box was crushed."))


def _returns(o: dict[str, Any], i: int) -> list[dict[str, Any]]:
    """A return for every eleventh order, of its first line: Order.returns as the Admin GraphQL API
    has it (``Return``: id, name, status; ``ReturnLineItem``: quantity, returnReason,
    returnReasonNote, customerNote, fulfillmentLineItem.lineItem.sku)."""
    if i % 11 != 3 or not o.get("line_items"):
        return []
    reason, note = RETURN_REASONS[i % len(RETURN_REASONS)]
    return [{"id": f"gid://shopify/Return/{7_000_000 + i}", "name": f"{o.get('name')}-R1", "status": "OPEN",
             "returnLineItems": {"nodes": [{
                 "quantity": 1, "returnReason": reason, "returnReasonNote": note or "", "customerNote": None,
                 "fulfillmentLineItem": {"lineItem": {"sku": o["line_items"][0].get("sku")}}}]}}]


@dataclass
class Bucket:
    """The shop's points bucket for one app, as Shopify keeps it."""

    restore_rate: float
    maximum: float
    available: float = -1.0
    at: float = 0.0
    throttled: int = 0

    def refill(self, now: float) -> float:
        if self.available < 0:
            self.available = self.maximum
        else:
            self.available = min(self.maximum, self.available + (now - self.at) * self.restore_rate)
        self.at = now
        return self.available

    def status(self) -> dict[str, float]:
        return {"maximumAvailable": self.maximum, "currentlyAvailable": round(self.available, 1),
                "restoreRate": self.restore_rate}


_CONNECTIONS = (("lineItems", "LineItem"), ("shippingLines", "ShippingLine"),
                ("discountApplications", "DiscountCodeApplication"))


def bulk_lines(node: dict[str, Any]) -> list[bytes]:
    """One order as a bulk operation writes it: the order on a line of its own, then each node of
    its connections on a line with ``__parentId`` (https://shopify.dev/docs/api/usage/bulk-operations/queries)."""
    node = dict(node)
    children = []
    for key, typename in _CONNECTIONS:
        for child in (node.pop(key, None) or {}).get("nodes") or []:
            children.append({"__typename": typename, **child, "__parentId": node["id"]})
    node.pop("returns", None)  # a sixth connection: not in a bulk query
    return [orjson.dumps(x) for x in (node, *children)]


@dataclass
class BulkOperation:
    id: str
    query: str
    since: str
    created: float
    ready_at: float
    status: str = "CREATED"
    error: str | None = None
    path: str | None = None
    objects: int = 0
    size: int = 0

    def view(self, base_url: str) -> dict[str, Any]:
        done = self.status == "COMPLETED"
        return {"id": self.id, "status": self.status, "errorCode": self.error,
                "createdAt": datetime.fromtimestamp(self.created, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "completedAt": None if not done else datetime.fromtimestamp(self.ready_at, UTC).strftime(
                    "%Y-%m-%dT%H:%M:%SZ"),
                "objectCount": str(self.objects), "fileSize": str(self.size) if done else None,
                "url": f"{base_url}{self.path}" if done and self.path else None, "partialDataUrl": None}


@dataclass
class GraphQLAdmin:
    """The GraphQL side of one emulated shop. ``shop`` is the ``ShopifyShop`` it answers for."""

    shop: Any
    plan: str = "standard"
    bucket: Bucket = field(init=False)
    clock: Callable[[], float] = time.monotonic
    variables: dict[str, Any] = field(default_factory=dict)
    #: Seconds a bulk operation runs before its file is ready; and the next one fails when set.
    bulk_delay: float = 0.3
    fail_next_bulk: str | None = None
    bulk: list[BulkOperation] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    base_url: str = ""
    #: Whether the last answered document changed the shop (a mutation without user errors).
    last_applied: bool = False
    #: Every answered query: (when it arrived, its requested cost, what it was charged).
    charges: list[tuple[float, int, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        rate = RESTORE_RATE[self.plan]  # the bucket holds ten seconds of the plan's restore rate
        self.bucket = Bucket(restore_rate=rate, maximum=rate * 10)

    def answer(self, body: dict[str, Any], base_url: str = "") -> tuple[dict[str, Any], int]:
        self.base_url, self.last_applied = base_url, False
        document, variables = body.get("query"), body.get("variables") or {}
        if not isinstance(document, str):
            return {"errors": [{"message": "Parameter Missing or Invalid", "extensions": {"code": "BAD_REQUEST"}}]}, 400
        try:
            op = next(d for d in cost.parsed(document).definitions if isinstance(d, OperationDefinitionNode))
            requested = cost.requested(document, variables)
        except Exception as exc:  # noqa: BLE001 - a syntax error is the caller's, in GraphQL's words
            return {"errors": [{"message": f"syntax error: {exc}", "extensions": {"code": "GRAPHQL_PARSE_FAILED"}}]}, 200
        if requested > cost.MAX_QUERY_COST:
            return {"errors": [{"message": f"Query cost is {requested}, which exceeds the single query max cost "
                                           f"limit ({cost.MAX_QUERY_COST}).",
                                "extensions": {"code": "MAX_COST_EXCEEDED", "cost": requested,
                                               "maxCost": cost.MAX_QUERY_COST}}]}, 200
        room = self.bucket.refill(self.clock())
        if room < requested:
            self.bucket.throttled += 1
            return {"errors": [{"message": "Throttled", "extensions": {
                        "code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/rate-limits"}}],
                    "extensions": {"cost": {"requestedQueryCost": requested, "actualQueryCost": None,
                                            "throttleStatus": self.bucket.status()}}}, 200
        unknown = [f.name.value for f in op.selection_set.selections
                   if isinstance(f, FieldNode) and not hasattr(self, f"q_{f.name.value}")]
        if unknown:
            root = "Mutation" if op.operation.value == "mutation" else "QueryRoot"
            return {"errors": [{"message": f"Field '{name}' doesn't exist on type '{root}'",
                                "extensions": {"code": "undefinedField"}} for name in unknown]}, 200
        self.bucket.available -= requested
        self.variables = variables
        data: dict[str, Any] = {}
        for f in op.selection_set.selections:
            if isinstance(f, FieldNode):
                args = {a.name.value: value_from_ast_untyped(a.value, variables) for a in f.arguments or ()}
                data[f.alias.value if f.alias else f.name.value] = self.field(f, args)
        mutation = op.operation.value == "mutation"
        self.last_applied = not mutation or not any(
            (v or {}).get("userErrors") or (v or {}).get("orderCancelUserErrors") for v in data.values())
        charged = requested if mutation else cost.actual(document, variables, data)
        self.bucket.available = min(self.bucket.maximum, self.bucket.available + requested - charged)
        self.charges.append((self.bucket.at, requested, charged))
        return {"data": data, "extensions": {"cost": {"requestedQueryCost": requested, "actualQueryCost": charged,
                                                       "throttleStatus": self.bucket.status()}}}, 200

    # -- root fields ----------------------------------------------------------------------

    def field(self, f: FieldNode, args: dict[str, Any]) -> Any:
        return getattr(self, f"q_{f.name.value}")(f, args)

    def _args(self, f: FieldNode | None) -> dict[str, Any]:
        return {a.name.value: value_from_ast_untyped(a.value, self.variables) for a in (f.arguments if f else ()) or ()}

    @staticmethod
    def _child(f: FieldNode | None, *path: str) -> FieldNode | None:
        """The field at ``path`` under ``f`` (``"nodes", "lineItems"``), if the query selects it."""
        for name in path:
            if f is None or f.selection_set is None:
                return None
            f = next((s for s in f.selection_set.selections if isinstance(s, FieldNode) and s.name.value == name), None)
        return f

    def _node(self, i: int) -> dict[str, Any]:
        return order_node(self.shop.order(i), i)

    @staticmethod
    def _page_lines(node: dict[str, Any], args: dict[str, Any]) -> dict[str, Any]:
        """``lineItems(first:, after:)`` of one order node."""
        nodes = node["lineItems"]["nodes"]
        size = int(args.get("first") or 10)
        start = int(uncursor(args["after"])) if args.get("after") else 0
        page = nodes[start: start + size]
        node["lineItems"] = {"pageInfo": {"hasNextPage": start + size < len(nodes),
                                          "endCursor": cursor(start + len(page))}, "nodes": page}
        return node

    def q_orders(self, f: FieldNode, args: dict[str, Any]) -> dict[str, Any]:
        first = min(int(args.get("first") or 50), 250)
        query = str(args.get("query") or "")
        since = _since(query)
        state = uncursor(args["after"]) if args.get("after") else {"min": since, "pos": None}
        index = self.shop.index()
        pos = state["pos"] if state.get("pos") is not None else self.shop.since(_utc_to_rest(state["min"]))
        chunk = index[pos: pos + first]
        lines = self._args(self._child(f, "nodes", "lineItems"))
        nodes = [self._page_lines(self._node(i), lines) for _, i in chunk]
        end = cursor({"min": state["min"], "pos": pos + len(chunk)})
        return {"pageInfo": {"hasNextPage": pos + first < len(index), "endCursor": end}, "nodes": nodes}

    def q_order(self, f: FieldNode, args: dict[str, Any]) -> dict[str, Any] | None:
        oid = str(args.get("id") or "").rsplit("/", 1)[-1]
        i = self.shop.order_index(int(oid)) if oid.isdigit() else None
        if i is None:
            return None
        node = self._node(i)
        self._page_lines(node, self._args(self._child(f, "lineItems")))
        rest = self.shop.order(i)
        fo_id = int(rest["id"]) * 10 + 1
        closed = i in self.shop.fulfillments or bool(rest.get("cancelled_at"))
        node["fulfillmentOrders"] = {"nodes": [{"id": f"gid://shopify/FulfillmentOrder/{fo_id}",
                                                "status": "CLOSED" if closed else "OPEN"}]}
        node["fulfillments"] = [{"id": f"gid://shopify/Fulfillment/{ff['id']}", "status": "SUCCESS",
                                 "trackingInfo": [{"number": ff.get("tracking_number"),
                                                   "company": ff.get("tracking_company"),
                                                   "url": ff.get("tracking_url")}],
                                 "events": {"nodes": [{"id": f"gid://shopify/FulfillmentEvent/{e['id']}",
                                                       "status": e["status"].upper()}
                                                      for e in self.shop.events.get(ff["id"], [])]}}
                                for ff in self.shop.fulfillments.get(i, [])]
        return node

    def q_productVariants(self, f: FieldNode, args: dict[str, Any]) -> dict[str, Any]:
        query = str(args.get("query") or "")
        sku = query.split(":", 1)[1].strip("'\" ") if query.startswith("sku:") else None
        level_field = self._child(f, "nodes", "inventoryItem", "inventoryLevel")
        location = self._args(level_field).get("locationId")
        loc = int(str(location).rsplit("/", 1)[-1]) if location else None
        nodes = []
        for n, (psku, *_rest) in enumerate(self.shop.products_catalog()):
            if psku == sku:
                item = 80_000_000 + n
                level = {"quantities": [{"name": "available", "quantity": self.shop.inventory.get((loc, item), 0)}]}
                nodes.append({"sku": psku, "inventoryItem": {"id": f"gid://shopify/InventoryItem/{item}",
                                                             "inventoryLevel": level if loc else None}})
        return {"nodes": nodes[: int(args.get("first") or 2)]}

    # -- mutations ------------------------------------------------------------------------

    def q_fulfillmentCreate(self, f: FieldNode, args: dict[str, Any]) -> dict[str, Any]:
        body = args.get("fulfillment") or {}
        groups = body.get("lineItemsByFulfillmentOrder") or []
        if not groups:
            return {"fulfillment": None, "userErrors": [{"field": ["fulfillment"],
                                                         "message": "Line items by fulfillment order can't be blank"}]}
        fo_id = int(str(groups[0].get("fulfillmentOrderId", "")).rsplit("/", 1)[-1] or 0)
        i = self.shop.order_index(fo_id // 10)
        if i is None:
            return {"fulfillment": None, "userErrors": [{"field": ["fulfillment"], "message": "Fulfillment order does not exist."}]}
        if i in self.shop.fulfillments or self.shop.order(i).get("cancelled_at"):
            return {"fulfillment": None, "userErrors": [{"field": ["fulfillment"], "message":
                    f"Fulfillment order {fo_id} has an unfulfillable status= closed."}]}
        tracking = body.get("trackingInfo") or {}
        ff = self.shop.fulfil(i, number=tracking.get("number"), company=tracking.get("company"), url=tracking.get("url"),
                              via="graphql")
        return {"fulfillment": {"id": f"gid://shopify/Fulfillment/{ff['id']}", "status": "SUCCESS"}, "userErrors": []}

    def q_orderCancel(self, f: FieldNode, args: dict[str, Any]) -> dict[str, Any]:
        oid = str(args.get("orderId") or "").rsplit("/", 1)[-1]
        i = self.shop.order_index(int(oid)) if oid.isdigit() else None
        if i is None:
            return {"job": None, "orderCancelUserErrors": [{"field": ["orderId"], "message": "Order does not exist",
                                                            "code": "NOT_FOUND"}]}
        if self.shop.order(i).get("cancelled_at"):
            return {"job": None, "orderCancelUserErrors": [{"field": ["orderId"], "code": "INVALID",
                                                            "message": "Cannot cancel an order that has already been "
                                                                       "cancelled"}]}
        self.shop.cancel_order(i, reason=str(args.get("reason") or "OTHER").lower(), via="graphql")
        return {"job": {"id": f"gid://shopify/Job/{oid}-cancel", "done": False}, "orderCancelUserErrors": []}

    def q_inventorySetQuantities(self, f: FieldNode, args: dict[str, Any]) -> dict[str, Any]:
        data = args.get("input") or {}
        changes, errors = [], []
        for q in data.get("quantities") or []:
            try:
                key = (int(str(q["locationId"]).rsplit("/", 1)[-1]), int(str(q["inventoryItemId"]).rsplit("/", 1)[-1]))
                quantity = int(q["quantity"])
            except (KeyError, TypeError, ValueError):
                errors.append({"field": ["input", "quantities"], "code": "INVALID_INVENTORY_ITEM",
                               "message": "inventoryItemId, locationId and quantity are required"})
                continue
            current = self.shop.inventory.get(key, 0)
            if not data.get("ignoreCompareQuantity") and q.get("compareQuantity") != current:
                errors.append({"field": ["input", "quantities", "compareQuantity"], "code": "COMPARE_QUANTITY_STALE",
                               "message": "The compareQuantity argument no longer matches the persisted quantity."})
                continue
            changes.append({"name": data.get("name", "available"), "delta": quantity - current,
                            "quantityAfterChange": quantity, "key": key})
        if errors:
            return {"inventoryAdjustmentGroup": None, "userErrors": errors}
        for c in changes:
            self.shop.set_level(c.pop("key"), c["quantityAfterChange"], via="graphql",
                                reference=data.get("referenceDocumentUri"), reason=data.get("reason"))
        return {"inventoryAdjustmentGroup": {"reason": data.get("reason"), "changes": changes}, "userErrors": []}

    def q_fulfillmentEventCreate(self, f: FieldNode, args: dict[str, Any]) -> dict[str, Any]:
        event = args.get("fulfillmentEvent") or {}
        fid = str(event.get("fulfillmentId") or "").rsplit("/", 1)[-1]
        found = next((ff for fs in self.shop.fulfillments.values() for ff in fs if str(ff["id"]) == fid), None)
        if found is None:
            return {"fulfillmentEvent": None, "userErrors": [{"field": ["fulfillmentId"],
                                                              "message": "Fulfillment does not exist."}]}
        status = str(event.get("status") or "").lower()
        if status not in EVENT_STATUSES:
            return {"fulfillmentEvent": None, "userErrors": [{"field": ["status"], "message": "is not included in "
                                                                                            "the list"}]}
        created = self.shop.add_event(found, status, message=event.get("message"),
                                      happened_at=event.get("happenedAt"), via="graphql")
        return {"fulfillmentEvent": {"id": f"gid://shopify/FulfillmentEvent/{created['id']}",
                                     "status": status.upper()}, "userErrors": []}

    # -- bulk operations ------------------------------------------------------------------

    def q_ordersCount(self, f: FieldNode, args: dict[str, Any]) -> dict[str, Any]:
        query = str(args.get("query") or "")
        since = _since(query)
        index = self.shop.index()
        return {"count": len(index) - self.shop.since(_utc_to_rest(since)), "precision": "EXACT"}

    def _advance(self, op: BulkOperation) -> BulkOperation:
        """A bulk operation moves on with time: running, then failed (a fault) or completed, its
        file written from the orders as they were when it started."""
        now = time.time()
        if op.status == "CREATED":
            op.status = "RUNNING"
        if op.status == "RUNNING" and now >= op.ready_at:
            if self.fail_next_bulk:
                op.status, op.error, self.fail_next_bulk = "FAILED", self.fail_next_bulk, None
                return op
            index = self.shop.index()
            chunks, objects = [], 0
            for _, i in index[self.shop.since(_utc_to_rest(op.since)):]:
                lines = bulk_lines(self._node(i))
                objects += len(lines)
                chunks.append(b"\n".join(lines))
            if chunks:
                op.path = f"/bulk/{op.id.rsplit('/', 1)[-1]}.jsonl"
                self.files[op.path] = b"\n".join(chunks) + b"\n"
                op.size = len(self.files[op.path])
            op.objects, op.status = objects, "COMPLETED"
        return op

    def q_bulkOperationRunQuery(self, f: FieldNode, args: dict[str, Any]) -> dict[str, Any]:
        running = [op for op in self.bulk if self._advance(op).status in ("CREATED", "RUNNING")]
        if running:
            return {"bulkOperation": None, "userErrors": [{"field": ["query"], "message":
                    f"A bulk query operation for this app and shop is already in progress: {running[0].id}."}]}
        query = str(args.get("query") or "")
        since = _since(query)
        now = time.time()
        op = BulkOperation(id=f"gid://shopify/BulkOperation/{720_000 + len(self.bulk)}", query=query, since=since,
                           created=now, ready_at=now + self.bulk_delay)
        self.bulk.append(op)
        self.shop.record_push("bulk_operation", operation=op.id, via="graphql")
        return {"bulkOperation": {"id": op.id, "status": op.status}, "userErrors": []}

    def q_currentBulkOperation(self, f: FieldNode, args: dict[str, Any]) -> dict[str, Any] | None:
        return self._advance(self.bulk[-1]).view(self.base_url) if self.bulk else None

    def q_node(self, f: FieldNode, args: dict[str, Any]) -> dict[str, Any] | None:
        op = next((op for op in self.bulk if op.id == args.get("id")), None)
        return self._advance(op).view(self.base_url) if op else None

    def file(self, path: str, range_header: str | None) -> tuple[bytes, int, dict[str, str]]:
        """A bulk file, whole or the byte range asked for (``Range: bytes=a-b``), as storage serves it."""
        body = self.files.get(path)
        if body is None:
            return b"<Error><Code>NoSuchKey</Code></Error>", 404, {}
        if not range_header or not range_header.startswith("bytes="):
            return body, 200, {}
        first, _, last = range_header[len("bytes="):].partition("-")
        start = int(first or 0)
        end = min(len(body) - 1, int(last)) if last else len(body) - 1
        if start >= len(body):
            return b"", 416, {"Content-Range": f"bytes */{len(body)}"}
        return body[start: end + 1], 206, {"Content-Range": f"bytes {start}-{end}/{len(body)}"}
