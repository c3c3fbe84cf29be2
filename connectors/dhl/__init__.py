"""DHL: Shipment Tracking - Unified (``DHL-API-Key``) and MyDHL API (DHL Express) for rates and labels.

Docs: https://developer.dhl.com/api-reference/shipment-tracking and
https://developer.dhl.com/api-reference/dhl-express-mydhl-api
"""

from orderhub import hookimpl


@hookimpl
def register_carriers(register):
    from .client import Dhl  # imported when registered, not when the plugin is loaded

    register(Dhl)


@hookimpl
def register_emulators(register):
    from .emulator import DhlDesk  # the sandbox's dhl, beside the connector it stands in for

    register(DhlDesk)
