"""The customers' tracking page, ``/t/<token>`` on the daemon: the order's progress and its
parcels' tracking, in English or Simplified Chinese, and a form to report a problem or leave a
rating. No login: the signed link is the key (:mod:`.links`). It shows that order's shipping name,
city and items and nothing else; plain HTML, no JavaScript, labelled for screen readers.

A post is checked (the form's anti-forgery token, the category, a rating 1–5, at most 2,000
characters), limited to five an hour per address (per worker), stored as a ``tracking_page`` item
with the customer's category, then answered with a redirect to the page (so a reload sends
nothing twice).
"""

from __future__ import annotations

import html
import time
from collections import defaultdict, deque
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs

import orjson
import sqlalchemy as sa
from fastapi import Request  # at module level: the routes' annotations are strings resolved here

from orderhub.extend import as_utc, core_tables, get_logger

from . import links
from .settings import Settings

log = get_logger()
STEPS = ("received", "validated", "reserved", "ready_to_ship", "shipped", "delivered")
PROBLEMS = ("delivery_late", "not_received", "damaged", "wrong_item", "missing_item", "quality", "service",
            "payment_refund", "other", "praise")
MAX_TEXT = 2000
MAX_BODY = 32 * 1024
POSTS_PER_HOUR = 5

T = {
    "en": {
        "title": "Your order {number}", "for": "For {name}, {city}", "items": "Items", "progress": "Progress",
        "parcels": "Tracking", "carrier": "Carrier", "number": "Tracking number", "promised": "Expected by",
        "track": "Track with the carrier", "when": "When", "what": "What", "where": "Where",
        "no_events": "No tracking events yet.", "report": "Report a problem or rate your order",
        "category": "What is it about?", "rating": "Your rating (optional)", "text": "Tell us more",
        "send": "Send", "sent": "Thank you: we received your message and will get back to you.",
        "too_many": "Too many messages from your address; please try again in an hour.",
        "invalid": "This form has expired; please send it again.", "need": "Please write a message or pick a rating.",
        "too_long": "Please keep your message under {n} characters.", "stars": "{n} of 5",
        "lang": "中文", "not_found": "This link is not valid or has expired.",
        "status": {"received": "Received", "validated": "Confirmed", "reserved": "Being prepared",
                   "ready_to_ship": "Ready to ship", "shipped": "Shipped", "delivered": "Delivered",
                   "on_hold": "Being checked", "exception": "Needs attention", "cancelled": "Cancelled"},
        "categories": {"delivery_late": "It is late", "not_received": "I did not receive it",
                       "damaged": "It arrived damaged", "wrong_item": "Wrong item", "missing_item": "Something is missing",
                       "quality": "Quality problem", "service": "Customer service", "payment_refund": "Payment or refund",
                       "other": "Something else", "praise": "A compliment"},
    },
    "zh": {
        "title": "您的订单 {number}", "for": "收件人：{name}，{city}", "items": "商品", "progress": "订单进度",
        "parcels": "物流跟踪", "carrier": "承运商", "number": "运单号", "promised": "预计送达",
        "track": "在承运商网站查询", "when": "时间", "what": "状态", "where": "地点",
        "no_events": "暂无物流信息。", "report": "反馈问题或评价订单", "category": "反馈类型",
        "rating": "评分（可选）", "text": "详细说明", "send": "提交",
        "sent": "谢谢！我们已收到您的反馈，会尽快回复您。", "too_many": "您提交得太频繁了，请一小时后再试。",
        "invalid": "表单已过期，请重新提交。", "need": "请填写内容或选择评分。", "too_long": "内容请不超过 {n} 字。",
        "stars": "{n} 星（满分 5 星）", "lang": "English", "not_found": "该链接无效或已过期。",
        "status": {"received": "已接单", "validated": "已确认", "reserved": "备货中", "ready_to_ship": "待发货",
                   "shipped": "已发货", "delivered": "已签收", "on_hold": "审核中", "exception": "异常处理中",
                   "cancelled": "已取消"},
        "categories": {"delivery_late": "配送延迟", "not_received": "没有收到", "damaged": "商品破损",
                       "wrong_item": "发错商品", "missing_item": "缺少商品", "quality": "质量问题", "service": "客服服务",
                       "payment_refund": "付款或退款", "other": "其他问题", "praise": "表扬"},
    },
}


def lang_of(request: Any) -> str:
    asked = request.query_params.get("lang")
    if asked in T:
        return asked
    return "zh" if request.headers.get("accept-language", "").lower().startswith("zh") else "en"


class Limiter:
    """At most ``n`` posts an hour per client address (in this worker)."""

    def __init__(self, n: int = POSTS_PER_HOUR) -> None:
        self.n, self.seen = n, defaultdict(deque)

    def allow(self, who: str, now: float | None = None) -> bool:
        now = now if now is not None else time.monotonic()
        q = self.seen[who]
        while q and now - q[0] > 3600:
            q.popleft()
        if len(q) >= self.n:
            return False
        q.append(now)
        return True


async def order_view(conn: Any, order_id: str) -> dict[str, Any] | None:
    """What the page may show of one order: number, status, shipping name and city, items, when
    each state was first reached, and its parcels' tracking."""
    o, ev, sh = core_tables.orders, core_tables.order_events, core_tables.shipments
    found = (await conn.execute(sa.select(o.c.id, o.c.number, o.c.external_id, o.c.status, o.c.data)
                                .where(o.c.id == order_id))).first()
    if found is None:
        return None
    data = found.data if isinstance(found.data, dict) else orjson.loads(found.data)
    address = data.get("shipping_address") or {}
    reached = {s: as_utc(at) for s, at in await conn.execute(
        sa.select(ev.c.to_status, sa.func.min(ev.c.at)).where(ev.c.order_id == order_id, ev.c.to_status.in_(STEPS))
        .group_by(ev.c.to_status))}
    parcels = []
    for r in await conn.execute(sa.select(sh.c.carrier, sh.c.service, sh.c.tracking_number, sh.c.tracking_url,
                                          sh.c.promised_at, sh.c.events, sh.c.status)
                                .where(sh.c.order_id == order_id, sh.c.state != "cancelled").order_by(sh.c.created_at)):
        events = r.events if isinstance(r.events, list) else orjson.loads(r.events or "[]")
        parcels.append({"carrier": r.carrier, "service": r.service, "number": r.tracking_number,
                        "url": r.tracking_url if (r.tracking_url or "").startswith("https://") else None,
                        "promised": as_utc(r.promised_at) if r.promised_at else None,
                        "events": sorted(events, key=lambda e: e.get("occurred_at") or "", reverse=True)})
    return {"id": found.id, "number": found.number or found.external_id, "status": found.status,
            "name": address.get("name") or "", "city": address.get("city") or "",
            "items": [(li.get("title") or li.get("sku") or "", li.get("quantity") or 1)
                      for li in data.get("line_items") or []],
            "reached": reached, "parcels": parcels}


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def page(view: dict[str, Any], lang: str, token: str, form: links.Form, note: str | None = None,
         error: str | None = None) -> str:
    t = T[lang]
    other = "en" if lang == "zh" else "zh"
    steps = []
    for s in STEPS:
        at = view["reached"].get(s)
        current = ' aria-current="step"' if s == view["status"] else ""
        when = f' <time datetime="{at.isoformat()}">{at:%Y-%m-%d %H:%M}</time>' if at else ""
        steps.append(f'<li class="{"done" if at else "todo"}"{current}>{_e(t["status"][s])}{when}</li>')
    if view["status"] not in STEPS:
        steps.append(f'<li aria-current="step">{_e(t["status"].get(view["status"], view["status"]))}</li>')
    parcels = []
    for p in view["parcels"]:
        rows = "".join(f'<tr><td>{_e((e.get("occurred_at") or "")[:16].replace("T", " "))}</td>'
                       f'<td>{_e(e.get("description") or e.get("status") or "")}</td><td>{_e(e.get("location") or "")}'
                       f'</td></tr>' for e in p["events"])
        table = (f'<table><thead><tr><th scope="col">{t["when"]}</th><th scope="col">{t["what"]}</th>'
                 f'<th scope="col">{t["where"]}</th></tr></thead><tbody>{rows}</tbody></table>' if rows
                 else f'<p>{t["no_events"]}</p>')
        promised = f'<dt>{t["promised"]}</dt><dd>{p["promised"]:%Y-%m-%d}</dd>' if p["promised"] else ""
        url = f'<p><a href="{_e(p["url"])}" rel="noopener noreferrer">{t["track"]}</a></p>' if p["url"] else ""
        parcels.append(f'<section><dl><dt>{t["carrier"]}</dt><dd>{_e(p["carrier"])} {_e(p["service"])}</dd>'
                       f'<dt>{t["number"]}</dt><dd>{_e(p["number"] or "")}</dd>{promised}</dl>{url}{table}</section>')
    options = "".join(f'<option value="{c}">{_e(t["categories"][c])}</option>' for c in PROBLEMS)
    stars = "".join(f'<label><input type="radio" name="rating" value="{n}"> {_e(t["stars"].format(n=n))}</label> '
                    for n in range(1, 6))
    items = "".join(f"<li>{_e(title)} × {_e(qty)}</li>" for title, qty in view["items"])
    notice = f'<p role="status" class="note">{_e(note)}</p>' if note else ""
    problem = f'<p role="alert" class="error">{_e(error)}</p>' if error else ""
    return f"""<!doctype html>
<html lang="{'zh-Hans' if lang == 'zh' else 'en'}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>{_e(t["title"].format(number=view["number"]))}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:40rem;margin:1rem auto;padding:0 1rem;line-height:1.5}}
li.done{{font-weight:600}}li.todo{{color:#666}}table{{border-collapse:collapse;width:100%}}
td,th{{border-bottom:1px solid #ddd;padding:.25rem;text-align:left}}.note{{background:#e8f5e9;padding:.5rem}}
.error{{background:#fdecea;padding:.5rem}}label{{display:block;margin:.25rem 0}}textarea{{width:100%}}</style>
</head><body><main>
<p><a href="?lang={other}" hreflang="{other}">{T[lang]["lang"]}</a></p>
<h1>{_e(t["title"].format(number=view["number"]))}</h1>
<p>{_e(t["for"].format(name=view["name"], city=view["city"]))}</p>{notice}
<h2>{t["progress"]}</h2><ol>{"".join(steps)}</ol>
<h2>{t["items"]}</h2><ul>{items}</ul>
<h2>{t["parcels"]}</h2>{"".join(parcels) or f'<p>{t["no_events"]}</p>'}
<h2 id="report">{t["report"]}</h2>{problem}
<form method="post" action="/t/{_e(token)}?lang={lang}" aria-labelledby="report">
<input type="hidden" name="nonce" value="{_e(form.nonce)}"><input type="hidden" name="issued" value="{form.issued}">
<input type="hidden" name="check" value="{_e(form.check)}">
<label for="category">{t["category"]}</label><select id="category" name="category">{options}</select>
<fieldset><legend>{t["rating"]}</legend>{stars}</fieldset>
<label for="text">{t["text"]}</label><textarea id="text" name="text" rows="5" maxlength="{MAX_TEXT}"></textarea>
<p><button type="submit">{t["send"]}</button></p>
</form></main></body></html>"""


def not_found(lang: str) -> str:
    return (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>404</title></head>'
            f'<body><main><h1>404</h1><p>{_e(T[lang]["not_found"])}</p></main></body></html>')


def register(app: Any, hub: Any, s: Settings, key: bytes) -> None:
    from fastapi import APIRouter
    from fastapi.responses import HTMLResponse, RedirectResponse

    from .importer import import_rows

    router, limiter = APIRouter(), Limiter()

    async def view_for(token: str) -> dict[str, Any] | None:
        order_id = links.order_of(key, token)
        if order_id is None:
            return None
        async with hub.engine.connect() as conn:
            return await order_view(conn, order_id)

    def show(view: dict[str, Any], lang: str, token: str, status: int = 200, **notes: Any) -> HTMLResponse:
        form = links.form(key, view["id"])
        return HTMLResponse(page(view, lang, token, form, **notes), status_code=status,
                            headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer",
                                     "X-Frame-Options": "DENY", "Content-Security-Policy":
                                     "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'"})

    @router.get("/t/{token}", include_in_schema=False)
    async def tracking(token: str, request: Request) -> Any:
        lang = lang_of(request)
        view = await view_for(token)
        if view is None:
            return HTMLResponse(not_found(lang), status_code=404)
        sent = request.query_params.get("sent") == "1"
        return show(view, lang, token, note=T[lang]["sent"] if sent else None)

    @router.post("/t/{token}", include_in_schema=False)
    async def report(token: str, request: Request) -> Any:
        lang = lang_of(request)
        view = await view_for(token)
        if view is None:
            return HTMLResponse(not_found(lang), status_code=404)
        t = T[lang]
        body = await request.body()
        if len(body) > MAX_BODY:
            return show(view, lang, token, status=413, error=t["too_long"].format(n=MAX_TEXT))
        # the form is URL-encoded (no files): read it with the standard library
        fields = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items()}
        if not links.form_ok(key, view["id"], fields):
            return show(view, lang, token, status=403, error=t["invalid"])
        text = str(fields.get("text") or "").strip()
        category = str(fields.get("category") or "other")
        rating = str(fields.get("rating") or "")
        if category not in PROBLEMS or rating not in ("", "1", "2", "3", "4", "5"):
            return show(view, lang, token, status=422, error=t["invalid"])
        if len(text) > MAX_TEXT:
            return show(view, lang, token, status=422, error=t["too_long"].format(n=MAX_TEXT))
        if not text and not rating:
            return show(view, lang, token, status=422, error=t["need"])
        who = request.client.host if request.client else "?"
        if not limiter.allow(who):
            log.warning("tracking_page_rate_limited", order=view["id"])
            return show(view, lang, token, status=429, error=t["too_many"])
        row = {"id": str(fields["nonce"]), "order_ref": view["id"], "kind": "review" if category == "praise" else
               "complaint", "category": category, "rating": rating, "text": text,
               "created_at": datetime.now(UTC).isoformat()}
        await import_rows(hub, [row], source="tracking_page")
        return RedirectResponse(f"/t/{token}?lang={lang}&sent=1", status_code=303)

    app.include_router(router)
