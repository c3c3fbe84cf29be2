"""The ``reserve`` step: reserve every line from the store's locations, never overselling.

Partial stock follows the store's ``reserve_policy``: ``hold`` (the order waits in review with
``insufficient_stock``) or ``backorder`` (what is there is reserved, the rest recorded as backordered).
Cancelling or rejecting an order releases its reservation; shipping consumes it.
"""

from orderhub import hookimpl


@hookimpl
def register_steps(register):
    from .step import Reserve  # imported when registered, not when the plugin is loaded

    register(Reserve)
