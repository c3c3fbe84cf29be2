"""FedEx: OAuth client credentials, Rate, Ship and Track APIs (REST, developer.fedex.com).

Docs: https://developer.fedex.com/api/en-us/catalog/authorization/v1/docs.html,
.../rate/v1/docs.html, .../ship/v1/docs.html, .../track/v1/docs.html.
"""

from orderhub import hookimpl


@hookimpl
def register_carriers(register):
    from .client import Fedex  # imported when registered, not when the plugin is loaded

    register(Fedex)


@hookimpl
def register_emulators(register):
    from .emulator import FedexDesk  # the sandbox's fedex, beside the connector it stands in for

    register(FedexDesk)
