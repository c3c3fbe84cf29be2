"""The daemon's report jobs: the facts refreshed every minute, so a report never waits on a
large catch-up, and the daily report — the last seven days by day, yesterday last — written to a
folder or sent by e-mail, once a day across all workers (a DBOS scheduled workflow)."""

from __future__ import annotations

from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from orderhub.extend import get_logger, send_mail

from . import facts
from .model import Params
from .page import page
from .periods import zone
from .service import make, settings
from .settings import Settings

log = get_logger()


async def refresh_job(hub: Any, scheduled_at: datetime) -> None:
    async with hub.engine.begin() as conn:
        written = await facts.refresh(conn)
    if written:
        log.info("report_facts_refreshed", orders=written)


async def daily_job(hub: Any, scheduled_at: datetime) -> None:
    s = settings(hub)
    if not s.daily or not s.to:
        return
    day = scheduled_at.astimezone(zone(s.tz)).date() - timedelta(days=1)
    reports = [await make(hub, name, Params(day - timedelta(days=6), day, "day", s.tz)) for name in s.daily]
    html = page(reports, f"orderhub daily report, {day.isoformat()}")
    if s.to.startswith("file:"):
        path = write(Path(s.to.removeprefix("file:")), day.isoformat(), html)
        log.info("daily_report_written", path=str(path), reports=s.daily)
    else:
        await send(s, f"orderhub daily report, {day.isoformat()}", html)
        log.info("daily_report_sent", to=s.to, reports=s.daily)


def write(folder: Path, day: str, html: str) -> Path:
    """``report-DAY.html`` in ``folder``, written whole or not at all."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"report-{day}.html"
    tmp = path.with_suffix(".html.tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(path)
    return path


async def send(s: Settings, subject: str, html: str) -> None:
    assert s.smtp is not None and s.to  # the settings refuse an address without smtp
    msg = EmailMessage()
    msg["To"], msg["Subject"] = s.to, subject
    msg.set_content("The report is in the HTML part of this message.")
    msg.add_alternative(html, subtype="html")
    await send_mail(s.smtp, msg, key="plugins.reports.smtp")
