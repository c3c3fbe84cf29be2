"""orderhub: pull orders from many stores, normalize them, run a configurable chain, push back durably."""

from typing import TYPE_CHECKING

from orderhub.hookspecs import hookimpl

if TYPE_CHECKING:  # the names below, for type checkers and readers
    from orderhub.extend import *  # noqa: F403


#: Exports a plugin's command needs while ``orderhub --help`` builds the command line: taken from
#: their own light module, not through :mod:`orderhub.extend`, which imports everything.
_COMMAND_KIT = frozenset({"ConfigOpt", "JsonOpt", "emit_rows", "run_command"})


def __getattr__(name: str) -> object:
    """The package's exports come from :mod:`orderhub.extend` (the one list of the public API), on
    first use: ``orderhub --help`` and ``orderhub version`` need none of it, and importing it up
    front took most of a second."""
    if name not in __all__:
        raise AttributeError(f"module 'orderhub' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module("orderhub.cli.kit" if name in _COMMAND_KIT else "orderhub.extend"), name)
    globals()[name] = value
    return value


__version__ = "0.1.0"

__all__ = [
    "Address",
    "CapabilityNotSupported",
    "ConfigError",
    "ConfigOpt",
    "Connector",
    "Customer",
    "DeliveryWindow",
    "Discount",
    "FeeLine",
    "Feedback",
    "IllegalTransition",
    "InventoryLevel",
    "JsonOpt",
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
    "emit_rows",
    "hookimpl",
    "run_command",
]
