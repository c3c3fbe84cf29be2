"""The GraphQL Admin API documents the connector sends, as data (API version 2025-01).

Every field is one the canonical order needs; nested connections are sized small because each
multiplies the requested cost (``cost.py``): an order with more line items than ``$lines`` has the
rest fetched by ``ORDER_LINE_ITEMS``. References, per object:
https://shopify.dev/docs/api/admin-graphql/2025-01/queries/orders,
https://shopify.dev/docs/api/admin-graphql/2025-01/objects/Order,
https://shopify.dev/docs/api/admin-graphql/2025-01/objects/LineItem,
https://shopify.dev/docs/api/admin-graphql/2025-01/objects/OrderTransaction,
https://shopify.dev/docs/api/admin-graphql/2025-01/objects/OrderRiskSummary,
https://shopify.dev/docs/api/admin-graphql/2025-01/objects/Return.
"""

_MONEY = "shopMoney { amount currencyCode }"

_ADDRESS = "name firstName lastName company address1 address2 city province provinceCode zip countryCodeV2 phone"

LINE_ITEM_FIELDS = f"""
  id sku name title variantTitle quantity unfulfilledQuantity requiresShipping
  originalUnitPriceSet {{ {_MONEY} }}
  discountAllocations {{ allocatedAmountSet {{ {_MONEY} }} discountApplication {{ index }} }}
  taxLines {{ priceSet {{ {_MONEY} }} }}
  customAttributes {{ key value }}
  variant {{ inventoryItem {{ measurement {{ weight {{ unit value }} }} }} }}
"""

_RETURNS = """
  returns(first: 2) {
    nodes {
      id name status
      returnLineItems(first: 3) {
        nodes {
          quantity returnReason returnReasonNote customerNote
          ... on ReturnLineItem { fulfillmentLineItem { lineItem { sku } } }
        }
      }
    }
  }
"""


def _order_fields(*, bulk: bool) -> str:
    """An ``Order``'s selection: for a page (connections sized, line items' ``pageInfo`` for the
    follow-ups, returns) or for a bulk query (connections unsized, their nodes named by
    ``__typename`` as the JSONL lines need, and no returns: they would be a sixth connection)."""
    def sized(connection: str, first: str) -> str:
        return connection if bulk else f"{connection}(first: {first})"

    typename = "__typename " if bulk else ""
    page_info = "" if bulk else "pageInfo { hasNextPage endCursor }"
    return f"""
  id legacyResourceId name confirmationNumber createdAt updatedAt cancelledAt cancelReason
  email phone note tags taxesIncluded currencyCode paymentGatewayNames
  displayFinancialStatus displayFulfillmentStatus
  customAttributes {{ key value }}
  subtotalPriceSet {{ {_MONEY} }}
  totalPriceSet {{ {_MONEY} }}
  totalTaxSet {{ {_MONEY} }}
  totalDiscountsSet {{ {_MONEY} }}
  totalShippingPriceSet {{ {_MONEY} }}
  totalOutstandingSet {{ {_MONEY} }}
  customer {{ id legacyResourceId firstName lastName email phone }}
  shippingAddress {{ {_ADDRESS} }}
  billingAddress {{ {_ADDRESS} }}
  taxLines {{ title rate priceSet {{ {_MONEY} }} }}
  {sized("discountApplications", "3")} {{ nodes {{ {typename}index ... on DiscountCodeApplication {{ code }} }} }}
  {sized("lineItems", "$lines")} {{
    {page_info}
    nodes {{ {typename}{LINE_ITEM_FIELDS} }}
  }}
  {sized("shippingLines", "2")} {{
    nodes {{
      {typename}code title originalPriceSet {{ {_MONEY} }} taxLines {{ priceSet {{ {_MONEY} }} }}
      discountAllocations {{ allocatedAmountSet {{ {_MONEY} }} discountApplication {{ index }} }}
    }}
  }}
  transactions(first: 5) {{
    kind status gateway amountSet {{ {_MONEY} }}
    paymentDetails {{ ... on CardPaymentDetails {{ avsResultCode cvvResultCode bin number expirationMonth expirationYear company }} }}
  }}
  refunds(first: 5) {{ id note createdAt }}
  risk {{ recommendation assessments {{ riskLevel provider {{ title }} facts {{ description sentiment }} }} }}
{"" if bulk else _RETURNS}"""


ORDER_FIELDS = _order_fields(bulk=False)

ORDERS = f"""
query Orders($first: Int!, $after: String, $query: String, $lines: Int!) {{
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {{
    pageInfo {{ hasNextPage endCursor }}
    nodes {{ {ORDER_FIELDS} }}
  }}
}}
"""

ORDER_LINE_ITEMS = f"""
query OrderLineItems($id: ID!, $after: String, $lines: Int!) {{
  order(id: $id) {{
    lineItems(first: $lines, after: $after) {{
      pageInfo {{ hasNextPage endCursor }}
      nodes {{ {LINE_ITEM_FIELDS} }}
    }}
  }}
}}
"""

ORDER = f"""
query Order($id: ID!, $lines: Int!) {{
  order(id: $id) {{ {ORDER_FIELDS} }}
}}
"""

#: https://shopify.dev/docs/api/admin-graphql/2025-01/objects/FulfillmentOrder
FULFILLMENT_ORDERS = """
query FulfillmentOrders($id: ID!) {
  order(id: $id) {
    cancelledAt
    fulfillmentOrders(first: 10) { nodes { id status } }
    fulfillments(first: 5) {
      id status trackingInfo(first: 3) { number company url }
      events(first: 10) { nodes { id status } }
    }
  }
}
"""

#: https://shopify.dev/docs/api/admin-graphql/2025-01/mutations/fulfillmentCreate
FULFILLMENT_CREATE = """
mutation FulfillmentCreate($fulfillment: FulfillmentInput!) {
  fulfillmentCreate(fulfillment: $fulfillment) {
    fulfillment { id status }
    userErrors { field message }
  }
}
"""

#: https://shopify.dev/docs/api/admin-graphql/2025-01/mutations/orderCancel
ORDER_CANCEL = """
mutation OrderCancel($orderId: ID!, $reason: OrderCancelReason!, $refund: Boolean!, $restock: Boolean!,
                     $notifyCustomer: Boolean) {
  orderCancel(orderId: $orderId, reason: $reason, refund: $refund, restock: $restock,
              notifyCustomer: $notifyCustomer) {
    job { id done }
    orderCancelUserErrors { field message code }
  }
}
"""

#: https://shopify.dev/docs/api/admin-graphql/2025-01/queries/productVariants
VARIANT_BY_SKU = """
query VariantBySku($query: String!, $location: ID!) {
  productVariants(first: 2, query: $query) {
    nodes { sku inventoryItem { id inventoryLevel(locationId: $location) { quantities(names: ["available"]) { name quantity } } } }
  }
}
"""

#: https://shopify.dev/docs/api/admin-graphql/2025-01/mutations/inventorySetQuantities
INVENTORY_SET = """
mutation InventorySet($input: InventorySetQuantitiesInput!) {
  inventorySetQuantities(input: $input) {
    inventoryAdjustmentGroup { reason changes { name delta quantityAfterChange } }
    userErrors { field message code }
  }
}
"""

#: https://shopify.dev/docs/api/admin-graphql/2025-01/mutations/fulfillmentEventCreate
FULFILLMENT_EVENT_CREATE = """
mutation FulfillmentEventCreate($fulfillmentEvent: FulfillmentEventInput!) {
  fulfillmentEventCreate(fulfillmentEvent: $fulfillmentEvent) {
    fulfillmentEvent { id status }
    userErrors { field message }
  }
}
"""


def bulk_orders(since: str) -> str:
    """The ``orders`` query a bulk operation runs (https://shopify.dev/docs/api/usage/bulk-operations/queries):
    no variables and no page sizes on connections (the whole result is written to one JSONL file,
    each connection's nodes on lines of their own with ``__parentId``, told apart by
    ``__typename``), and at most five connections two levels deep — so returns, which would be a
    sixth, come with the order's next incremental read."""
    escaped = since.replace("\\", "").replace("'", "")
    return f"""
{{
  orders(query: "updated_at:>='{escaped}'", sortKey: UPDATED_AT) {{
    edges {{ node {{ {_order_fields(bulk=True)} }} }}
  }}
}}
"""


ORDERS_COUNT = """
query OrdersCount($query: String) { ordersCount(query: $query, limit: null) { count precision } }
"""

#: https://shopify.dev/docs/api/admin-graphql/2025-01/mutations/bulkOperationRunQuery
BULK_RUN = """
mutation BulkRun($query: String!) {
  bulkOperationRunQuery(query: $query) {
    bulkOperation { id status }
    userErrors { field message }
  }
}
"""

_BULK_FIELDS = "id status errorCode createdAt completedAt objectCount fileSize url partialDataUrl"

#: https://shopify.dev/docs/api/admin-graphql/2025-01/objects/BulkOperation
BULK_STATUS = f"""
query BulkStatus($id: ID!) {{ node(id: $id) {{ ... on BulkOperation {{ {_BULK_FIELDS} }} }} }}
"""

CURRENT_BULK = f"""
query CurrentBulk {{ currentBulkOperation(type: QUERY) {{ {_BULK_FIELDS} }} }}
"""
