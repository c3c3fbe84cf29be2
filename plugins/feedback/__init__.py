"""``feedback``: reviews, complaints, returns and questions from every source, classified by kind
and severity in English and Chinese, scored, and worked as a queue with a deadline per priority.

    orderhub feedback import helpdesk.csv
    orderhub feedback list --json
    orderhub feedback respond 17 --operator ana --text "A new one is on its way."

Classification (:mod:`.classify`): rules and lexicons, then a model trained from the labelled set
that ships here (``data/labelled.csv``) and ops' own labels. Priority (:mod:`.priority`): severity,
sentiment, urgency cues, the order's value and the customer's earlier contacts. Triage
(:mod:`.triage`): ``new → assigned → responded → resolved`` (or ``dismissed``), every move kept,
and an item not responded to in time escalated once (``on_feedback_escalated``).
"""

from orderhub import hookimpl


_links: dict[str, object] = {}  # what order_links needs: the base URL, the key, the days


@hookimpl
def configure(config, hub):
    from orderhub.extend import parse_settings

    from .settings import Settings

    s = parse_settings(Settings, config.plugins.get("feedback", {}), key="plugins.feedback")  # refused at start
    _links.clear()
    key = s.key()  # a tracking_key naming a missing secret is refused at start too
    if key:
        _links.update(base=s.public_url, key=key, days=s.link_days)


@hookimpl
def order_links(order):
    if not _links or not order.id:
        return None
    from .links import link

    return {"order_page": link(_links["base"], _links["key"], order.id, _links["days"])}


@hookimpl
def register_migrations(register):
    from pathlib import Path

    from .tables import metadata

    register(Path(__file__).parent / "migrations", metadata)


@hookimpl
def register_commands(cli):
    from .cli import register

    register(cli)


@hookimpl
def register_routes(app, hub):
    from .routes import register
    from .settings import settings

    register(app, hub)
    s = settings(hub)
    key = s.key()
    if key:  # the customers' tracking page, public: signed links are its only key
        from . import tracking

        tracking.register(app, hub, s, key)


@hookimpl
def register_schedules(register):
    from .jobs import escalate_job, returns_job

    register("feedback_returns", "* * * * *", returns_job)
    register("feedback_escalate", "* * * * *", escalate_job)


@hookimpl
def register_store_tasks(register):
    from .pull import store_task

    register("feedback", store_task)


@hookimpl
def register_reports(register):
    from .report import feedback_report

    register("feedback", feedback_report)


@hookimpl(tryfirst=True)  # before the reports plugin writes its page, so the feedback is in it
def demo_finished(hub, folder):
    from .demo import demo_lines

    return demo_lines(hub, folder)


@hookimpl
def order_timeline(conn, order_id):
    from .store import timeline

    return timeline(conn, order_id)


@hookimpl
def plugin_gauges(conn):
    from .store import gauges

    return gauges(conn)
