"""``risk``: score each order 0–100 from named signals with their evidence, hold the risky ones
for review, and learn the signals' weights from what became of them.

    chain = ["validate", { step = "risk", review_above = 40, high_above = 70 }, "reserve", …]
    orderhub risk mark ORDER --outcome fraud        # or chargeback, legit
    orderhub risk tune                              # precision and recall before and after
    orderhub risk tune --apply

Signals (:mod:`.signals`): disposable email, billing or phone abroad, a first high-value order,
velocity per email, phone, address and card over an hour and a day (:mod:`.velocity`), many
units of one item, express on a first high-value order, freight forwarders and PO boxes,
high-risk destinations, the channel's own assessment, and the card's AVS and CVV checks.
"""

from orderhub import hookimpl


@hookimpl
def register_steps(register):
    from .step import Risk  # imported when registered, not when the plugin is loaded

    register(Risk)


@hookimpl
def register_migrations(register):
    from pathlib import Path

    from .tables import metadata

    register(Path(__file__).parent / "migrations", metadata)


@hookimpl
def order_details(conn, order_id):
    from .service import details

    return details(conn, order_id)


@hookimpl
def register_commands(cli):
    from .cli import register

    register(cli)


@hookimpl
def register_routes(app, hub):
    from .routes import register

    register(app, hub)
