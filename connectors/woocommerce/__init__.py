"""The ``woocommerce`` connector: WooCommerce REST API v3 (orders, order notes, product stock)."""

from orderhub import hookimpl

from .client import WooCommerceConnector

__all__ = ["WooCommerceConnector"]


@hookimpl
def register_connectors(register):
    register(WooCommerceConnector)
