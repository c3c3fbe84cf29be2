"""``reports``: what ops teams look at — sales and the order process (operators, carriers and stock
to come), from what orderhub records, as tables, JSON, CSV, charts and one HTML page.

    orderhub report sales --by week --from 2026-11-01 --to 2026-11-30 --tz Europe/Berlin --html r.html

Figures are computed in the database from the plugin's facts (:mod:`.facts`: one typed row per
order and per line, kept up to date from ``orders.modified_at``) and from the core's event log and
step runs (``orderhub.extend.core_tables``). Definitions are in each report's module.
"""

from orderhub import hookimpl


_daily: dict[str, str] = {}  # the daily job's cron, when one is configured


@hookimpl
def configure(config, hub):
    from orderhub.extend import parse_settings

    from .service import collect
    from .settings import Settings

    if hub is not None:
        collect(hub)  # other plugins' reports, so the daily list may name them
    s = parse_settings(Settings, config.plugins.get("reports", {}), key="plugins.reports")  # refused at start
    _daily.clear()
    if s.daily:
        _daily["at"] = s.at


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
    from .daily import daily_job, refresh_job

    register("reports_refresh", "* * * * *", refresh_job)
    if _daily:
        register("reports_daily", _daily["at"], daily_job)


@hookimpl
def demo_finished(hub, folder):
    from .demo import demo_lines

    return demo_lines(hub, folder)
