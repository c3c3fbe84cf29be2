"""Shopify's words as data: financial status -> canonical payment status, GraphQL's fulfilment
status in REST's words, risk levels, weight units.

Sources: REST Admin API, Order resource, ``financial_status``
(https://shopify.dev/docs/api/admin-rest/2025-01/resources/order#resource-object); GraphQL Admin
API enums ``OrderDisplayFinancialStatus`` (the same words, upper-case),
``OrderDisplayFulfillmentStatus``, ``RiskAssessmentResult`` and ``WeightUnit``
(https://shopify.dev/docs/api/admin-graphql/2025-01/enums/).
"""

from decimal import Decimal
from typing import Any

from orderhub.extend import PaymentStatus

FINANCIAL_STATUS = {
    "pending": PaymentStatus.PENDING,
    "authorized": PaymentStatus.AUTHORIZED,
    "partially_paid": PaymentStatus.PARTIALLY_PAID,
    "paid": PaymentStatus.PAID,
    "partially_refunded": PaymentStatus.PARTIALLY_REFUNDED,
    "refunded": PaymentStatus.REFUNDED,
    "voided": PaymentStatus.VOIDED,
    "expired": PaymentStatus.FAILED,
}

#: Webhook topics whose body is an order.
ORDER_TOPICS = frozenset({"orders/create", "orders/updated", "orders/cancelled", "orders/paid", "orders/fulfilled",
                          "orders/partially_fulfilled", "orders/edited"})

#: ``displayFulfillmentStatus`` as REST's ``fulfillment_status`` says it (null while nothing shipped).
FULFILLMENT_STATUS: dict[str, str | None] = {
    "UNFULFILLED": None, "PARTIALLY_FULFILLED": "partial", "FULFILLED": "fulfilled", "RESTOCKED": "restocked",
    "IN_PROGRESS": None, "ON_HOLD": None, "OPEN": None, "PENDING_FULFILLMENT": None, "SCHEDULED": None,
    "REQUEST_DECLINED": None,
}

#: ``RiskAssessmentResult``, least to most worrying.
RISK_RANK = {"PENDING": 0, "NONE": 1, "LOW": 2, "MEDIUM": 3, "HIGH": 4}

_GRAMS = {"GRAMS": Decimal("1"), "KILOGRAMS": Decimal("1000"), "OUNCES": Decimal("28.349523125"),
          "POUNDS": Decimal("453.59237")}


def weight_grams(unit: Any, value: Any) -> int | None:
    """A ``Weight`` in whole grams (REST's ``grams``); None when unknown or zero."""
    if unit not in _GRAMS or value is None:
        return None
    grams = int((Decimal(str(value)) * _GRAMS[unit]).to_integral_value())
    return grams if grams > 0 else None

#: GraphQL Admin API restore rates, points per second, by plan
#: (https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits).
RESTORE_RATE = {"standard": 100.0, "advanced": 200.0, "plus": 1000.0, "enterprise": 2000.0}
