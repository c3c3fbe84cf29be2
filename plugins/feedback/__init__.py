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


@hookimpl
def configure(config, hub):
    from orderhub.extend import parse_settings

    from .settings import Settings

    parse_settings(Settings, config.plugins.get("feedback", {}), key="plugins.feedback")  # refused at start


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

    register(app, hub)


@hookimpl
def register_schedules(register):
    from .jobs import escalate_job

    register("feedback_escalate", "* * * * *", escalate_job)
