"""``table``: a local courier priced from a CSV rate table (zones × weight bands), no API needed.

The CSV has a header ``service,zone,max_weight_g,price,currency,transit_days``; one row per
service, zone and weight band (the band is up to ``max_weight_g``). Destinations map to zones by
the ``zones`` option, most specific first: ``"US-NY"`` (country-region), ``"US:100"`` (country and
postal-code prefix), ``"US"`` (country), ``"*"`` (anywhere else). Tracking numbers are made from the
shipment's idempotency key, so creating the same shipment twice gives the same number.
"""

from orderhub import hookimpl


@hookimpl
def register_carriers(register):
    from .carrier import TableCarrier  # imported when registered, not when the plugin is loaded

    register(TableCarrier)
