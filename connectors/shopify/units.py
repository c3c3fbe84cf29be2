"""Shopify's words as data: financial status -> canonical payment status.

Source: REST Admin API, Order resource, ``financial_status``
(https://shopify.dev/docs/api/admin-rest/2025-01/resources/order#resource-object).
"""

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
