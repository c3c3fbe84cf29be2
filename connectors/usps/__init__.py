"""USPS APIs (apis.usps.com, v3): OAuth client credentials, Domestic Prices, Payments, Domestic
Labels and Tracking.

Docs: https://developers.usps.com/apis (OAuth 2.0 v3, Domestic Prices 3.0, Payments 3.0,
Domestic Labels 3.0, Tracking 3.0); examples in github.com/USPS/api-examples.
"""

from orderhub import hookimpl


@hookimpl
def register_carriers(register):
    from .client import Usps  # imported when registered, not when the plugin is loaded

    register(Usps)


@hookimpl
def register_emulators(register):
    from .emulator import UspsDesk  # the sandbox's usps, beside the connector it stands in for

    register(UspsDesk)
