"""The register: what the detectors found, turned into incidents — opened once, kept up to date
while the condition holds (impact counted at its peak, the playbooks' actions as the evidence
shows them), resolved when it clears or an operator closes it — and the alerts about them.

Hooks (``on_incident_opened`` / ``on_incident_resolved``) fire after the commit; alerts go out
after that, and one that fails is tried again at the next pass (``alerted_at`` stays empty).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

import sqlalchemy as sa

from orderhub.extend import (Incident, IncidentOpened, IncidentResolved, OrderhubError, StepData, as_utc,
                             dialect_insert, get_logger, send_mail)

from .detectors import DETECTORS, Condition
from .settings import Settings
from .tables import incidents

log = get_logger()
TIMES = ("since", "opened_at", "last_seen_at", "resolved_at", "alerted_at", "resolve_alerted_at")


def row_dict(r: Any) -> dict[str, Any]:
    d = {str(k): v for k, v in r.items()}  # plain str keys: orjson refuses a row's key type
    for k in TIMES:
        d[k] = as_utc(d.get(k))
    return d


def model(r: dict[str, Any]) -> Incident:
    return Incident.model_validate({k: r[k] for k in Incident.model_fields if k in r})


async def detect(hub: Any, s: Settings, now: datetime) -> list[Condition]:
    found: list[Condition] = []
    async with hub.engine.connect() as conn:
        for detector in DETECTORS:
            try:
                found += await detector(conn, hub, s, now)
            except Exception:  # a detector's bug must not stop the others
                log.exception("incident_detector_failed", detector=detector.__name__)
    return found


def _peak(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    out = dict(old)
    for k, v in new.items():
        out[k] = max(v, out.get(k, v)) if isinstance(v, (int, float)) else v
    return out


def _actions(old: list[dict[str, Any]], derived: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every action seen while the incident was open: one the evidence shows again (same
    ``key``) is brought up to date, one it no longer shows (the window moved on) is kept."""
    fresh = {a["key"]: a for a in derived if a.get("key")}
    out = [fresh.pop(a["key"], a) if a.get("key") else a for a in old]
    return out + [a for a in derived if not a.get("key") or a["key"] in fresh]


async def sweep(hub: Any, s: Settings, *, now: datetime | None = None) -> dict[str, Any]:
    """Run the detectors once and bring the register up to date; alert. What changed."""
    now = now or StepData.now()
    found = {f"{c.kind}:{c.subject}": c for c in await detect(hub, s, now)}
    notices: list[Any] = []
    opened, resolved, updated = [], [], 0
    async with hub.engine.begin() as conn:
        current = {r["open_key"]: row_dict(r) for r in (await conn.execute(
            sa.select(incidents).where(incidents.c.status == "open"))).mappings()}
        for key, c in found.items():
            old = current.get(key)
            if old is not None:
                await conn.execute(incidents.update().where(incidents.c.id == old["id"]).values(
                    last_seen_at=now, impact=_peak(old["impact"], c.impact),
                    actions=_jsonable(_actions(old["actions"], c.actions)),
                    details={**old["details"], **_jsonable(c.details)}, title=c.title))
                updated += 1
                continue
            values = {"kind": c.kind, "subject": c.subject, "open_key": key, "title": c.title, "status": "open",
                      "since": min(c.since, now), "opened_at": now, "last_seen_at": now, "impact": c.impact,
                      "actions": _jsonable(c.actions), "details": _jsonable(c.details)}
            res = await conn.execute(dialect_insert(conn, incidents).values(**values)
                                     .on_conflict_do_nothing(index_elements=["open_key"]).returning(incidents.c.id))
            new_id = res.scalar()
            if new_id is None:  # another pass opened it a moment ago
                continue
            inc = model({**values, "id": new_id})
            notices.append(IncidentOpened(incident=inc))
            opened.append(inc)
            log.warning("incident_opened", incident=new_id, kind=c.kind, subject=c.subject, title=c.title)
        for key, old in current.items():
            if key not in found and (now - old["last_seen_at"]).total_seconds() >= s.clear_after:
                inc = await _resolve(conn, old, by="auto", note="the condition cleared", now=now)
                notices.append(IncidentResolved(incident=inc))
                resolved.append(inc)
    await hub.notify(notices)
    sent = await send_alerts(hub, s, now=now)
    return {"opened": [i.model_dump(mode="json") for i in opened], "resolved": [i.model_dump(mode="json") for i in resolved],
            "still_open": updated, "alerts_sent": sent}


def _jsonable(value: Any) -> Any:
    import orjson

    return orjson.loads(orjson.dumps(value, default=str))


async def _resolve(conn: Any, row: dict[str, Any], *, by: str, note: str | None, now: datetime) -> Incident:
    actions = [*row["actions"], {"at": now.isoformat(), "what": f"resolved: {note}" if note else "resolved", "by": by}]
    await conn.execute(incidents.update().where(incidents.c.id == row["id"]).values(
        status="resolved", open_key=None, resolved_at=now, resolved_by=by, actions=actions))
    log.info("incident_resolved", incident=row["id"], kind=row["kind"], subject=row["subject"], by=by,
             lasted=str(now - row["since"]))
    return model({**row, "status": "resolved", "resolved_at": now, "resolved_by": by, "actions": actions})


class NotOpen(Exception):
    pass


async def resolve(hub: Any, incident_id: int, *, operator: str, note: str | None) -> dict[str, Any]:
    """An operator closes an incident (the condition, if it still holds, opens a new one)."""
    now = StepData.now()
    async with hub.engine.begin() as conn:
        row = (await conn.execute(sa.select(incidents).where(incidents.c.id == incident_id))).mappings().first()
        if row is None:
            raise NotOpen(f"no incident {incident_id}")
        if row["status"] != "open":
            raise NotOpen(f"incident {incident_id} is already {row['status']}")
        inc = await _resolve(conn, row_dict(row), by=f"operator:{operator}", note=note, now=now)
    await hub.notify([IncidentResolved(incident=inc)])
    return inc.model_dump(mode="json")


# -- alerts ------------------------------------------------------------------------------


def _text(inc: dict[str, Any], event: str) -> tuple[str, str]:
    subject = f"[orderhub] {event}: {inc['title']}"
    lines = [f"incident #{inc['id']} ({inc['kind']}, {inc['subject']}) {event}",
             f"since {inc['since']:%Y-%m-%d %H:%M} UTC, detected {inc['opened_at']:%H:%M}"]
    if inc.get("resolved_at"):
        lines.append(f"resolved {inc['resolved_at']:%Y-%m-%d %H:%M} UTC by {inc['resolved_by']}")
    lines.append("impact: " + ", ".join(f"{k} {v}" for k, v in (inc.get("impact") or {}).items()))
    lines += [f"- {a.get('what')}" for a in inc.get("actions") or []]
    lines.append(f"details: orderhub incidents show {inc['id']}")
    return subject, "\n".join(lines)


async def send_alerts(hub: Any, s: Settings, *, now: datetime) -> int:
    """Alert by webhook and email about incidents opened or resolved and not alerted yet (of the
    last day: a channel configured later does not replay the history)."""
    if not s.webhook_url and not (s.email_to and s.smtp):
        return 0
    async with hub.engine.connect() as conn:
        rows = [row_dict(r) for r in (await conn.execute(sa.select(incidents).where(
            incidents.c.opened_at >= now - timedelta(days=1),
            sa.or_(incidents.c.alerted_at.is_(None),
                   sa.and_(incidents.c.status == "resolved", incidents.c.resolve_alerted_at.is_(None))))
            .order_by(incidents.c.id))).mappings()]
    sent = 0
    for inc in rows:
        event = "opened" if inc["alerted_at"] is None else "resolved"
        column = "alerted_at" if event == "opened" else "resolve_alerted_at"
        try:
            await _send(hub, s, inc, event)
        except OrderhubError as exc:
            log.warning("incident_alert_failed", incident=inc["id"], error=exc.message)
            values: dict[str, Any] = {"alert_error": f"{exc.code}: {exc.message}"}
        else:
            values = {column: now, "alert_error": None}
            if event == "opened" and inc["status"] == "resolved":  # both at once: one message said both
                values["resolve_alerted_at"] = now
            sent += 1
        async with hub.engine.begin() as conn:
            await conn.execute(incidents.update().where(incidents.c.id == inc["id"]).values(**values))
    return sent


async def _send(hub: Any, s: Settings, inc: dict[str, Any], event: str) -> None:
    if inc["status"] == "resolved":
        event = "resolved"
    subject, body = _text(inc, event)
    key = f"incident-{inc['id']}-{event}"
    if s.webhook_url:
        doc = {"event": f"incident_{event}", "incident": _jsonable(inc), "text": body}
        await hub.plugin_http("incidents").post(s.webhook_url, json=doc, idempotency_key=key)
    if s.email_to and s.smtp:
        msg = EmailMessage()
        msg["Subject"], msg["To"], msg["Message-ID"] = subject, ", ".join(s.email_to), f"<{key}@orderhub>"
        msg.set_content(body)
        await send_mail(s.smtp, msg, key="plugins.incidents.smtp")
