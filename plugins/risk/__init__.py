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

_hub: dict[str, object] = {}


@hookimpl
def configure(config, hub):
    _hub["hub"] = hub


@hookimpl
def on_order_state_changed(order, from_status, to_status, actor, reason):
    """A reject with reason ``fraud…`` is an outcome at once (the sweep of the order log, run by
    tune and the outcome listing, catches any a crash kept from here)."""
    from .outcomes import is_fraud_reject

    hub = _hub.get("hub")
    if hub is None or not is_fraud_reject(to_status, actor, reason):
        return None
    from .outcomes import record_reject

    return record_reject(hub, order, actor, reason)


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


@hookimpl
def register_reports(register):
    from .report import risk_report

    register("risk", risk_report)


@hookimpl(tryfirst=True)  # before the reports plugin writes its page
def demo_finished(hub, folder):
    from .demo import demo_lines

    return demo_lines(hub, folder)
