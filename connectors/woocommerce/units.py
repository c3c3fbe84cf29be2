"""WooCommerce's words as data. Source: REST API v3, Orders, ``status``
(https://woocommerce.github.io/woocommerce-rest-api-docs/#order-properties)."""

from orderhub.extend import OrderStatus, PaymentStatus

#: order status -> payment status when the order carries no ``date_paid``/``date_paid_gmt``.
PAYMENT_BY_STATUS = {
    "pending": PaymentStatus.PENDING,        # awaiting payment
    "on-hold": PaymentStatus.PENDING,        # awaiting a manual payment (bank transfer, cheque)
    "processing": PaymentStatus.PAID,        # payment received, awaiting fulfilment
    "completed": PaymentStatus.PAID,
    "cancelled": PaymentStatus.VOIDED,
    "refunded": PaymentStatus.REFUNDED,
    "failed": PaymentStatus.FAILED,
    "checkout-draft": PaymentStatus.PENDING,
    "trash": PaymentStatus.VOIDED,
}

#: order status -> what it asks of the hub's lifecycle.
CHANNEL_TARGET = {"cancelled": OrderStatus.CANCELLED, "trash": OrderStatus.CANCELLED}

ORDER_TOPICS = frozenset({"order.created", "order.updated", "order.restored"})
