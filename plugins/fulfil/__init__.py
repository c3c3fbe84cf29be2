"""The ``fulfil`` step: buy the label with the chosen carrier, as a durable push.

The step queues the purchase (key ``<shipment>:create``); delivery calls the carrier with that key
as the shipment's reference, then — in the transaction that records the receipt — marks the
shipment created, moves the order to ``shipped``, queues the tracking number for the channel and
announces ``shipped``. A repeat delivery (crash after the carrier answered) finds the label
recorded and buys nothing.
"""

from orderhub import hookimpl


@hookimpl
def register_steps(register):
    from .step import Fulfil  # imported when registered, not when the plugin is loaded

    register(Fulfil)
