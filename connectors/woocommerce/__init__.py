"""The ``woocommerce`` connector: WooCommerce REST API v3 (orders, order notes, product stock)."""

from orderhub import hookimpl


@hookimpl
def register_connectors(register):
    from .client import WooCommerceConnector  # imported when registered, not when the plugin is loaded

    register(WooCommerceConnector)


@hookimpl
def register_emulators(register):
    from .emulator import WooShop  # the sandbox's woocommerce, beside the connector it stands in for

    register(WooShop)
