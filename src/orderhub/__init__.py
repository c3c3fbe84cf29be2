"""orderhub: pull orders from many stores, normalize them, run a configurable chain, push back durably."""

from typing import TYPE_CHECKING

from orderhub.hookspecs import hookimpl

if TYPE_CHECKING:  # the public API, for type checkers and readers; imported on first use
    from orderhub.intake.connector import Connector, Page, RawRecord, WebhookDelivery
    from orderhub.errors import (
        CapabilityNotSupported,
        ConfigError,
        IllegalTransition,
        OrderhubError,
        RecordError,
        SystemError_,
        TransientError,
    )
    from orderhub.hookspecs import hookimpl
    from orderhub.lifecycle import OrderStatus
    from orderhub.models import (
        Address,
        Customer,
        DeliveryWindow,
        Discount,
        Feedback,
        FeeLine,
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
    from orderhub.chain.steps import Reason, Step, StepContext, StepResult

_LAZY = {
    "Address": "models",
    "CapabilityNotSupported": "errors",
    "ConfigError": "errors",
    "Connector": "intake.connector",
    "Customer": "models",
    "DeliveryWindow": "models",
    "Discount": "models",
    "FeeLine": "models",
    "Feedback": "models",
    "IllegalTransition": "errors",
    "InventoryLevel": "models",
    "LineItem": "models",
    "Order": "models",
    "OrderStatus": "lifecycle",
    "OrderhubError": "errors",
    "Page": "intake.connector",
    "Parcel": "models",
    "Payment": "models",
    "PaymentStatus": "models",
    "Rate": "models",
    "RawRecord": "intake.connector",
    "Reason": "chain.steps",
    "RecordError": "errors",
    "Requirements": "models",
    "Reservation": "models",
    "Shipment": "models",
    "ShippingLine": "models",
    "Step": "chain.steps",
    "StepContext": "chain.steps",
    "StepResult": "chain.steps",
    "SystemError_": "errors",
    "TaxLine": "models",
    "Totals": "models",
    "TrackingEvent": "models",
    "TrackingStatus": "models",
    "TransientError": "errors",
    "WebhookDelivery": "intake.connector",
}


def __getattr__(name: str) -> object:
    """Import the public API on first use: ``orderhub --help`` and ``orderhub version`` need
    none of it, and importing all of it up front took most of a second."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'orderhub' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


__version__ = "0.1.0"

__all__ = [
    "Address",
    "CapabilityNotSupported",
    "ConfigError",
    "Connector",
    "Customer",
    "DeliveryWindow",
    "Discount",
    "FeeLine",
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
