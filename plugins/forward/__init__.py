"""The ``forward`` step: send each order to an HTTP endpoint (an ERP, a WMS, a data warehouse).

The send is a durable push: queued in the same transaction as the chain's result, delivered after
the commit with retries, and carrying an ``Idempotency-Key`` header so the receiver can ignore a
repeat after a crash or a timeout.
"""

from orderhub import hookimpl


@hookimpl
def register_steps(register):
    from .step import Forward  # imported when registered, not when the plugin is loaded

    register(Forward)
