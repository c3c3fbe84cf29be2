"""``incidents``: the risk register. Detectors look every few seconds (a durable schedule, once
across workers) for a paused store, a failing or paused carrier, a store's quarantine, 429 or
push-failure rate past its threshold, a spike of refused webhooks, a carrier's delays rising, a
class-A SKU out of stock; each condition is an incident with since when, its impact (counted),
the actions taken, resolved when it clears. Alerts by webhook and email; counts in ``/metrics``.

    orderhub incidents list
    orderhub incidents show 7
    orderhub incidents resolve 7 --operator ana --note "carrier confirmed the fix"
    orderhub incidents detect          # run the detectors now
"""

from orderhub import hookimpl

_cron: dict[str, str] = {}


@hookimpl
def configure(config, hub):
    from orderhub.extend import parse_settings

    from .settings import Settings

    from .jobs import remember

    s = parse_settings(Settings, config.plugins.get("incidents", {}), key="plugins.incidents")  # refused at start
    _cron["every"] = s.cron()
    remember(hub)


@hookimpl
def register_migrations(register):
    from pathlib import Path

    from .tables import metadata

    register(Path(__file__).parent / "migrations", metadata)


@hookimpl
def register_schedules(register):
    from .jobs import detect_job

    register("incidents_detect", _cron.get("every", "*/15 * * * * *"), detect_job)


@hookimpl
def register_store_tasks(register):
    from .samples import sample_store

    register("incident_samples", sample_store)


@hookimpl
def on_webhook_refused(store, code, error):
    from .jobs import refused

    return refused(store)


@hookimpl
def plugin_gauges(conn):
    from .store import gauges

    return gauges(conn)


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
    from .report import incidents_report

    register("incidents", incidents_report)
