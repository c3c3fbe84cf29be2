"""The ``validate`` step: is the order real, complete, paid, and not a duplicate?

Every failed check is a reason with a stable code and a message for people; an order with any
reason is held for review, never dropped. Codes: ``missing_name``, ``missing_contact``,
``invalid_email``, ``invalid_phone``, ``incomplete_address``, ``unknown_sku``, ``invalid_quantity``,
``totals_mismatch``, ``payment_not_accepted``, ``possible_duplicate``.
"""

from orderhub import hookimpl


@hookimpl
def register_steps(register):
    from .step import Validate  # imported when registered, not when the plugin is loaded

    register(Validate)


@hookimpl
def register_migrations(register):
    from pathlib import Path

    from .tables import metadata

    register(Path(__file__).parent / "migrations", metadata)
