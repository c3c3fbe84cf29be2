"""DHL: Shipment Tracking - Unified (``DHL-API-Key``) and MyDHL API (DHL Express) for rates and labels.

Docs: https://developer.dhl.com/api-reference/shipment-tracking and
https://developer.dhl.com/api-reference/dhl-express-mydhl-api
"""

from orderhub import hookimpl

from .carrier import Dhl

__all__ = ["Dhl"]


@hookimpl
def register_carriers(register):
    register(Dhl)
