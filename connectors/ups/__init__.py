"""UPS: OAuth client credentials, Rating (Shop), Shipping, and the Track API v1.

Docs: https://developer.ups.com/api/reference (OpenAPI specs in github.com/UPS-API/api-documentation:
OAuthClientCredentials.yaml, Rating.yaml, Shipping.yaml, Tracking.yaml).
"""

from orderhub import hookimpl


@hookimpl
def register_carriers(register):
    from .client import Ups  # imported when registered, not when the plugin is loaded

    register(Ups)


@hookimpl
def register_emulators(register):
    from .emulator import UpsDesk  # the sandbox's ups, beside the connector it stands in for

    register(UpsDesk)
