"""orderhub: pull orders from many stores, normalize them, run a configurable chain, push back durably."""

from .connector import Connector, Page, RawRecord, WebhookDelivery
from .errors import (
    CapabilityNotSupported,
    ConfigError,
    IllegalTransition,
    OrderhubError,
    RecordError,
    SystemError_,
    TransientError,
)
from .hookspecs import hookimpl
from .lifecycle import OrderStatus
from .models import (
    Address,
    Customer,
    DeliveryWindow,
    Discount,
    Feedback,
    InventoryLevel,
    LineItem,
    Order,
    Parcel,
    Payment,
    PaymentStatus,
    Rate,
    Requirements,
    Reservation,
    Shipment,
    ShippingLine,
    TaxLine,
    Totals,
    TrackingEvent,
    TrackingStatus,
)
from .steps import Reason, Step, StepContext, StepResult

__version__ = "0.1.0"

__all__ = [
    "Address",
    "CapabilityNotSupported",
    "ConfigError",
    "Connector",
    "Customer",
    "DeliveryWindow",
    "Discount",
    "Feedback",
    "IllegalTransition",
    "InventoryLevel",
    "LineItem",
    "Order",
    "OrderStatus",
    "OrderhubError",
    "Page",
    "Parcel",
    "Payment",
    "PaymentStatus",
    "Rate",
    "RawRecord",
    "Reason",
    "RecordError",
    "Requirements",
    "Reservation",
    "Shipment",
    "ShippingLine",
    "Step",
    "StepContext",
    "StepResult",
    "SystemError_",
    "TaxLine",
    "Totals",
    "TrackingEvent",
    "TrackingStatus",
    "TransientError",
    "WebhookDelivery",
    "hookimpl",
]
