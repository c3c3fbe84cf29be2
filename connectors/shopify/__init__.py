"""The ``shopify`` connector: Shopify Admin REST API (orders, fulfilment orders, inventory levels).

REST is what most existing custom apps use; Shopify calls it legacy and points new apps at the
GraphQL Admin API. The mapping in :mod:`.mapping` takes the documented order payload and is shared
by any transport.
"""

from orderhub import hookimpl


@hookimpl
def register_connectors(register):
    from .client import ShopifyConnector  # imported when registered, not when the plugin is loaded

    register(ShopifyConnector)


@hookimpl
def register_emulators(register):
    from .emulator import ShopifyShop  # the sandbox's shopify, beside the connector it stands in for

    register(ShopifyShop)
