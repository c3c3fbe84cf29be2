"""The Shopify connector's only HTTP: pulling orders, verifying webhooks, pushing back — on the
GraphQL Admin API (the default) or the legacy REST Admin API (``api = "rest"``).

GraphQL is paced by cost: each query's requested cost (``cost.py``, Shopify's documented rules)
is taken from a ``CostBucket`` before it is sent, and every answer's ``extensions.cost`` re-syncs
the bucket, so the shop is never asked for more than it holds. A ``THROTTLED`` answer (HTTP 200)
is waited out like a 429 all the same."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import parse_qs, quote, urlsplit

import orjson

from orderhub.extend import (
    CapabilityNotSupported,
    ConfigError,
    Connector,
    CostBucket,
    LeakyBucket,
    Limiter,
    Order,
    Page,
    RawRecord,
    RecordError,
    TransientError,
    WebhookDelivery,
    get_logger,
)

from . import cost, errors, mapping, queries
from .settings import ShopifySettings
from .units import ORDER_TOPICS, RESTORE_RATE

_NEXT = re.compile(r'<([^>]+)>;\s*rel="next"')
#: A pass that pages would read for longer than this is a bulk operation; an order of two lines
#: costs about this many points as ``queries.ORDERS`` reads it.
BULK_AFTER_SECONDS, POINTS_PER_ORDER = 30.0, 60.0
_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+|\*)")
#: Bytes asked for at a time from a bulk operation's file.
BULK_CHUNK = 1 << 20
#: A bulk file's child lines by ``__typename``: the connection of their parent they belong to.
CHILD_OF = {"LineItem": "lineItems", "ShippingLine": "shippingLines", "DiscountCodeApplication": "discountApplications",
            "AutomaticDiscountApplication": "discountApplications", "ManualDiscountApplication": "discountApplications",
            "ScriptDiscountApplication": "discountApplications", "Return": "returns",
            "ReturnLineItem": "returnLineItems", "UnverifiedReturnLineItem": "returnLineItems"}
log = get_logger()


def _most(document: str, name: str, limit: int, **fixed: Any) -> int:
    """The largest ``name`` (a page size) that keeps ``document`` within the 1,000-point query
    cost: cost grows linearly with a page size, so two costings tell."""
    one, two = (cost.requested(document, {**fixed, name: n}) for n in (1, 2))
    per = max(1, two - one)
    return max(1, min(limit, 1 + (cost.MAX_QUERY_COST - one) // per))


#: Line items per follow-up query: as many as stay under the 1,000-point query cost.
_FOLLOW_UP_LINES = _most(queries.ORDER_LINE_ITEMS, "lines", 250)


class ShopifyConnector(Connector):
    name: ClassVar[str] = "shopify"
    explain_error = staticmethod(errors.explain)  # a 4xx in the platform's own words
    Settings = ShopifySettings
    credentials: ClassVar[tuple[str, ...]] = ("access_token",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._inventory_items: dict[str, int] | None = None

    @classmethod
    def make_limiter(cls, settings: ShopifySettings) -> Limiter:  # type: ignore[override]
        if settings.api == "graphql":
            return CostBucket(restore_rate=RESTORE_RATE[settings.plan], capacity=cost.MAX_QUERY_COST)
        return LeakyBucket(capacity=settings.bucket_size, leak_rate=settings.leak_rate)

    @property
    def s(self) -> ShopifySettings:
        return self.settings  # type: ignore[return-value]

    def _path(self, rest: str) -> str:
        return f"/admin/api/{self.s.api_version}{rest}"

    def _headers(self) -> dict[str, str]:
        return {"X-Shopify-Access-Token": self.secret("access_token"), "Accept": "application/json"}

    # -- intake ---------------------------------------------------------------------------

    async def fetch_orders(self, cursor: str | None) -> Page:
        if self.s.api == "graphql":
            return await self._graphql_orders(cursor)
        return await self._rest_orders(cursor)

    async def _rest_orders(self, cursor: str | None) -> Page:
        """One page of orders by ``updated_at_min`` with ``Link`` cursor pagination.

        The cursor is ``{"since", "page_info", "max_seen"}`` between pages of one pass and
        ``{"since"}`` (newest ``updated_at`` seen minus ``overlap``) between passes.
        """
        state = orjson.loads(cursor) if cursor else {"since": self.s.initial_since}
        since, page_info = state["since"], state.get("page_info")
        if page_info:
            params: dict[str, Any] = {"limit": self.s.page_size, "page_info": page_info}
        else:
            params = {"status": "any", "limit": self.s.page_size, "updated_at_min": since, "order": "updated_at asc"}
        try:
            resp, body = await self.api().get_json(self._path("/orders.json"), params=params, headers=self._headers())
        except RecordError as exc:
            if page_info and exc.context.get("status") == 400:  # an expired page_info: restart the pass
                return await self._rest_orders(orjson.dumps({"since": since}).decode())
            raise
        orders = body.get("orders") or []
        records = [RawRecord(o, external_id=str(o.get("id")), location=f"orders.json order {o.get('id')}")
                   for o in orders]
        max_seen, new_since = self._since(state, orders, "updated_at")
        nxt = _NEXT.search(resp.headers.get("Link", ""))
        if nxt:
            token = parse_qs(urlsplit(nxt.group(1)).query).get("page_info", [None])[0]
            new = {"since": since, "page_info": token, "max_seen": max_seen}
            return Page(records, orjson.dumps(new).decode(), has_more=True)
        return Page(records, orjson.dumps({"since": new_since}).decode(), has_more=False)

    @staticmethod
    def _sort_key(value: str) -> datetime:
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return datetime.fromisoformat("2000-01-01T00:00:00+00:00")

    def _since(self, state: dict[str, Any], orders: list[dict[str, Any]], key: str) -> tuple[str, str]:
        """The newest ``updated`` seen so far, and the next pass's start (that minus ``overlap``)."""
        since = state["since"]
        max_seen = max([state.get("max_seen") or since] + [o[key] for o in orders if isinstance(o.get(key), str)],
                       key=self._sort_key)
        end = self._sort_key(max_seen) - timedelta(seconds=self.s.overlap)
        return max_seen, max(end, self._sort_key(since)).isoformat()

    # -- GraphQL Admin API ----------------------------------------------------------------

    def _orders_page_size(self) -> int:
        """As many orders as fit under the 1,000-point query cost with ``line_items_per_query`` lines."""
        return _most(queries.ORDERS, "first", self.s.page_size, lines=self.s.line_items_per_query)

    def _answer(self, requested: int) -> Any:
        """The parser of one GraphQL answer: the bucket re-synced from ``extensions.cost``, a
        ``THROTTLED`` error turned into a wait, any other error into a typed one."""
        limiter = self.api().limiter

        def parse(content: bytes) -> dict[str, Any]:
            body = orjson.loads(content)
            if not isinstance(body, dict):
                raise ValueError("a GraphQL answer is a JSON object")
            status = ((body.get("extensions") or {}).get("cost") or {}).get("throttleStatus") or {}
            if isinstance(limiter, CostBucket) and status.get("currentlyAvailable") is not None:
                limiter.report(available=status["currentlyAvailable"], capacity=status.get("maximumAvailable"),
                               restore_rate=status.get("restoreRate"))
            errors_ = body.get("errors") or []
            codes = {((e.get("extensions") or {}).get("code")) for e in errors_ if isinstance(e, dict)}
            if "THROTTLED" in codes:
                rate = float(status.get("restoreRate") or RESTORE_RATE[self.s.plan])
                short = max(0.0, requested - float(status.get("currentlyAvailable") or 0))
                raise TransientError(f"{self.store}: GraphQL query throttled (cost {requested})",
                                     code="rate_limited", retry_after=max(0.05, short / rate), store=self.store)
            if errors_:
                text = "; ".join(str(e.get("message")) for e in errors_ if isinstance(e, dict))
                if "ACCESS_DENIED" in codes:
                    raise ConfigError(f"{self.store}: Shopify refused the app's access: {text}",
                                      code="unauthorized", store=self.store)
                raise RecordError(f"{self.store}: GraphQL error: {text}",
                                  code="query_too_costly" if "MAX_COST_EXCEEDED" in codes else "graphql_error",
                                  store=self.store)
            return body.get("data") or {}

        return parse

    async def graphql(self, document: str, variables: dict[str, Any] | None = None, *,
                      safe: bool | None = None) -> dict[str, Any]:
        """Send one query or mutation; its ``data``. A query is safe to repeat; a mutation whose
        answer is lost raises ``TransientError`` and the caller reads back before trying again —
        unless ``safe`` (a compare-and-set that cannot apply twice) lets it be sent again at once."""
        requested = cost.requested(document, variables)
        mutation = document.lstrip().startswith("mutation")
        resp = await self.api().request("POST", self._path("/graphql.json"), headers=self._headers(),
                                        json={"query": document, "variables": variables or {}},
                                        idempotent=(not mutation) if safe is None else safe,
                                        parse=self._answer(requested), cost=requested)
        return resp.extensions["orderhub.body"]

    async def _graphql_orders(self, cursor: str | None) -> Page:
        state = orjson.loads(cursor) if cursor else {"since": self.s.initial_since}
        if "bulk" in state:
            return await self._bulk_page(state)
        threshold = self._bulk_threshold()
        if "after" not in state and threshold:
            counted = (await self.graphql(queries.ORDERS_COUNT, {"query": f"updated_at:>='{state['since']}'"})).get(
                "ordersCount") or {}
            if int(counted.get("count") or 0) >= threshold:
                return await self._bulk_start(state)
        return await self._paged_orders(state)

    def _bulk_threshold(self) -> int:
        """Changed orders from which a pass is a bulk operation: as set, or as many as pages would
        take half a minute to read at the plan's restore rate (about 60 points an order)."""
        if self.s.bulk_threshold is not None:
            return self.s.bulk_threshold
        return max(1, int(RESTORE_RATE[self.s.plan] * BULK_AFTER_SECONDS / POINTS_PER_ORDER))

    async def _paged_orders(self, state: dict[str, Any]) -> Page:
        """One page of the ``orders`` connection, oldest change first, by ``updated_at:>=`` and
        ``endCursor``. The cursor is ``{"since", "after", "max_seen"}`` within a pass and
        ``{"since"}`` between passes (the newest change seen minus ``overlap``), the shape REST uses,
        so a store can switch ``api`` on a saved cursor (a REST ``page_info`` restarts the pass)."""
        since = state["since"]
        variables = {"first": self._orders_page_size(), "after": state.get("after"),
                     "query": f"updated_at:>='{since}'", "lines": self.s.line_items_per_query}
        data = await self.graphql(queries.ORDERS, variables)
        connection = data.get("orders") or {}
        nodes = [n for n in connection.get("nodes") or [] if isinstance(n, dict)]
        for node in nodes:
            await self._rest_of_line_items(node)
        records = [RawRecord(n, external_id=str(n.get("legacyResourceId") or n.get("id")),
                             location=f"graphql orders {n.get('id')}") for n in nodes]
        max_seen, next_since = self._since(state, nodes, "updatedAt")
        page_info = connection.get("pageInfo") or {}
        if page_info.get("hasNextPage") and page_info.get("endCursor"):
            new = {"since": since, "after": page_info["endCursor"], "max_seen": max_seen}
            return Page(records, orjson.dumps(new).decode(), has_more=True)
        return Page(records, orjson.dumps({"since": next_since}).decode(), has_more=False)

    # -- bulk operations: backfills ---------------------------------------------------------

    async def _bulk_start(self, state: dict[str, Any]) -> Page:
        """Ask Shopify to write every order changed since the cursor to one JSONL file. One bulk
        query runs per shop and app at a time: one already running (ours, from before a restart)
        is followed instead of started again."""
        current = (await self.graphql(queries.CURRENT_BULK)).get("currentBulkOperation") or {}
        if current.get("status") in ("CREATED", "RUNNING"):
            op_id = current["id"]
        else:
            result = (await self.graphql(queries.BULK_RUN, {"query": queries.bulk_orders(state["since"])})).get(
                "bulkOperationRunQuery") or {}
            self._user_errors(result, "userErrors", "the bulk query")
            op_id = (result.get("bulkOperation") or {}).get("id")
            if not op_id:
                raise TransientError(f"{self.store}: Shopify started no bulk operation", store=self.store)
        log.info("bulk_operation_started", store=self.store, operation=op_id, since=state["since"])
        bulk = {"id": op_id, "offset": 0}
        return Page([], orjson.dumps({"since": state["since"], "bulk": bulk}).decode(), has_more=True)

    async def _bulk_page(self, state: dict[str, Any]) -> Page:
        """One page of a bulk operation: while it runs, a poll; once it is done, the next orders of
        its file from the cursor's byte offset (so a restart resumes where the last page ended); a
        failed, expired or cancelled one is started again (orders already stored are unchanged)."""
        bulk = state["bulk"]
        if not bulk.get("url"):
            op = (await self.graphql(queries.BULK_STATUS, {"id": bulk["id"]})).get("node") or {}
            status = op.get("status")
            if status in ("CREATED", "RUNNING", "CANCELING"):
                await asyncio.sleep(self.s.bulk_poll_interval)
                return Page([], orjson.dumps(state).decode(), has_more=True)
            if status != "COMPLETED":
                log.warning("bulk_operation_restarted", store=self.store, operation=bulk["id"], status=status,
                            error=op.get("errorCode"))
                return await self._bulk_start({"since": state["since"]})
            if not op.get("url"):  # nothing changed since the cursor
                return Page([], orjson.dumps({"since": state["since"]}).decode(), has_more=False)
            bulk = {**bulk, "url": op["url"], "objects": op.get("objectCount")}
        try:
            nodes, offset, done = await self._bulk_read(bulk["url"], int(bulk.get("offset") or 0))
        except RecordError as exc:
            if exc.context.get("status") in (403, 404, 410):  # the file's signed URL expired: run it again
                return await self._bulk_start({"since": state["since"]})
            raise
        records = [RawRecord(n, external_id=str(n.get("legacyResourceId") or n.get("id")),
                             location=f"bulk {bulk['id']} order {n.get('id')}") for n in nodes]
        max_seen, next_since = self._since(state, nodes, "updatedAt")
        if done:
            log.info("bulk_operation_read", store=self.store, operation=bulk["id"], objects=bulk.get("objects"))
            return Page(records, orjson.dumps({"since": next_since}).decode(), has_more=False)
        new = {"since": state["since"], "max_seen": max_seen, "bulk": {**bulk, "offset": offset}}
        return Page(records, orjson.dumps(new).decode(), has_more=True)

    async def _bulk_read(self, url: str, offset: int) -> tuple[list[dict[str, Any]], int, bool]:
        """Up to ``page_size`` whole orders from the JSONL file at ``url``, starting at byte
        ``offset``: read in ranged chunks, line by line, each child line (``__parentId``) joined to
        its parent — never the whole file in memory. Returns the orders, the offset of the first
        order not returned, and whether the file is done."""
        orders_: list[dict[str, Any]] = []
        by_id: dict[str, dict[str, Any]] = {}
        current: dict[str, Any] | None = None
        pos, tail = offset, b""
        while True:
            for attempt in range(3):
                resp = await self.api().get(url, headers={"Range": f"bytes={pos}-{pos + BULK_CHUNK - 1}"})
                try:
                    chunk, eof = self._ranged(resp, pos)
                    break
                except TransientError:
                    if attempt == 2:
                        raise
            data, start = tail + chunk, pos - len(tail)
            lines = data.split(b"\n")
            tail = b"" if eof else lines.pop()
            for line in lines:
                at, start = start, start + len(line) + 1
                if not line.strip():
                    continue
                obj = orjson.loads(line)
                parent = obj.pop("__parentId", None)
                if parent is None:  # a new order: the one before it is whole
                    if current is not None:
                        orders_.append(current)
                        if len(orders_) >= self.s.page_size:
                            return orders_, at, False
                    current, by_id = obj, {}
                    by_id[obj["id"]] = obj
                else:
                    owner = by_id.get(parent)
                    if owner is None:
                        raise RecordError(f"{self.store}: bulk file line at byte {at} names parent {parent} "
                                          f"that no earlier line has", code="invalid_response", store=self.store)
                    key = CHILD_OF.get(obj.pop("__typename", ""), "children")
                    owner.setdefault(key, {"nodes": []})["nodes"].append(obj)
                    if isinstance(obj.get("id"), str):
                        by_id[obj["id"]] = obj
            pos += len(chunk)
            if eof:
                if current is not None:
                    orders_.append(current)
                return orders_, pos, True

    def _ranged(self, resp: Any, pos: int) -> tuple[bytes, bool]:
        """The bytes a ranged GET of the bulk file returned from ``pos``, and whether they end it
        (``Content-Range: bytes a-b/size``). A body shorter than its range was cut on the way:
        retried, never taken for the end of the file."""
        if resp.status_code == 416:
            return b"", True
        if resp.status_code != 206:  # a server that ignores Range sends it all
            return resp.content[pos:], True
        m = _CONTENT_RANGE.match(resp.headers.get("Content-Range", ""))
        if not m:
            return resp.content, len(resp.content) < BULK_CHUNK
        first, last, size = int(m[1]), int(m[2]), m[3]
        if len(resp.content) != last - first + 1:
            raise TransientError(f"{self.store}: bulk file bytes {first}-{last} arrived as {len(resp.content)}: "
                                 f"cut short", code="malformed_response", store=self.store)
        return resp.content, size != "*" and last + 1 >= int(size)

    async def _rest_of_line_items(self, node: dict[str, Any]) -> None:
        """An order with more lines than one query reads: the rest, page by page, into the node."""
        lines = node.get("lineItems") or {}
        info = lines.get("pageInfo") or {}
        while info.get("hasNextPage") and info.get("endCursor"):
            more = (await self.graphql(queries.ORDER_LINE_ITEMS, {
                "id": node["id"], "after": info["endCursor"], "lines": _FOLLOW_UP_LINES})).get("order") or {}
            page = more.get("lineItems") or {}
            lines.setdefault("nodes", []).extend(page.get("nodes") or [])
            info = page.get("pageInfo") or {}
        lines["pageInfo"] = {"hasNextPage": False, "endCursor": info.get("endCursor")}

    def normalize(self, record: RawRecord) -> Order:
        """A GraphQL ``Order`` node (its id a ``gid://``) or a REST payload (polled, or a webhook's
        body, which Shopify sends in the REST shape whichever API the app reads with)."""
        raw = record.raw
        if isinstance(raw, dict) and isinstance(raw.get("id"), str) and raw["id"].startswith("gid://"):
            return mapping.order_from_graphql(raw, store=self.store, channel=self.channel_name)
        return mapping.order_from_shopify(raw, store=self.store, channel=self.channel_name)

    def parse_webhook(self, headers: dict[str, str], body: bytes) -> WebhookDelivery:
        h = {k.lower(): v for k, v in headers.items()}
        return self.signed_order_webhook(
            body, signature=h.get("x-shopify-hmac-sha256"),
            delivery_id=h.get("x-shopify-webhook-id") or h.get("x-shopify-event-id"),
            id_header="X-Shopify-Webhook-Id", topic=h.get("x-shopify-topic", ""), order_topics=ORDER_TOPICS)

    # -- pushes ---------------------------------------------------------------------------

    async def push_fulfilment(self, order: Order, payload: dict[str, Any], *, key: str) -> Any:
        if self.s.api == "graphql":
            return await self._graphql_fulfilment(order, payload, key=key)
        return await self._rest_fulfilment(order, payload, key=key)

    async def _rest_fulfilment(self, order: Order, payload: dict[str, Any], *, key: str) -> Any:
        """Fulfil every open fulfillment order with the tracking info. Read back first: a fulfilment
        that already went through (a retry after a lost response) is not created twice."""
        api = self.api()
        _, listed = await api.get_json(self._path(f"/orders/{order.external_id}/fulfillment_orders.json"),
                                       headers=self._headers())
        fos = listed.get("fulfillment_orders") or []
        open_ids = [fo["id"] for fo in fos if fo.get("status") in ("open", "in_progress")]
        if not open_ids:
            return {"already_fulfilled": True, "fulfillment_orders": [fo["id"] for fo in fos]}
        body = mapping.fulfillment_body(open_ids, payload, notify=self.s.notify_customer)
        created = await api.post(self._path("/fulfillments.json"), json=body, headers=self._headers())
        f = orjson.loads(created.content).get("fulfillment") or {}
        return {"fulfillment_id": f.get("id"), "status": f.get("status")}

    async def push_tracking(self, order: Order, payload: dict[str, Any], *, key: str) -> Any:
        if self.s.api == "graphql":
            return await self._graphql_tracking(order, payload, key=key)
        return await self._rest_tracking(order, payload, key=key)

    async def _rest_tracking(self, order: Order, payload: dict[str, Any], *, key: str) -> Any:
        """A fulfillment event on the fulfillment that carries this tracking number; read back
        first, so a retry does not add the same status twice."""
        body = mapping.fulfillment_event_body(payload)
        if body is None:
            return {"skipped": payload.get("status")}
        api, oid = self.api(), order.external_id
        fulfillments = orjson.loads((await api.get(self._path(f"/orders/{oid}/fulfillments.json"),
                                                   headers=self._headers())).content).get("fulfillments") or []
        number = payload.get("tracking_number")
        f = next((f for f in fulfillments if number in (f.get("tracking_numbers") or [f.get("tracking_number")])),
                 None)
        if f is None:
            raise TransientError(f"order {oid} has no fulfillment with tracking {number} yet", store=self.store)
        path = self._path(f"/orders/{oid}/fulfillments/{f['id']}/events.json")
        events = orjson.loads((await api.get(path, headers=self._headers())).content).get("fulfillment_events") or []
        done = next((e for e in events if e.get("status") == body["event"]["status"]), None)
        if done:
            return {"event_id": done.get("id"), "repeat": True}
        created = orjson.loads((await api.post(path, json=body, headers=self._headers())).content)
        return {"event_id": (created.get("fulfillment_event") or {}).get("id"), "status": body["event"]["status"]}

    async def push_cancel(self, order: Order, payload: dict[str, Any], *, key: str) -> Any:
        if self.s.api == "graphql":
            return await self._graphql_cancel(order, payload, key=key)
        return await self._rest_cancel(order, payload, key=key)

    async def _rest_cancel(self, order: Order, payload: dict[str, Any], *, key: str) -> Any:
        api = self.api()
        current = orjson.loads((await api.get(self._path(f"/orders/{order.external_id}.json"),
                                              headers=self._headers())).content).get("order") or {}
        if current.get("cancelled_at"):
            return {"already_cancelled": True}
        await api.post(self._path(f"/orders/{order.external_id}/cancel.json"),
                       json={"reason": payload.get("shopify_reason", "other"), "email": False}, headers=self._headers())
        return {"cancelled": True}

    async def _inventory_item(self, sku: str) -> int:
        if self._inventory_items is None:
            items: dict[str, int] = {}
            url: str | None = self._path("/products.json")
            params: dict[str, Any] | None = {"limit": 250, "fields": "id,variants"}
            while url:
                resp, listed = await self.api().get_json(url, params=params, headers=self._headers())
                for p in listed.get("products") or []:
                    for v in p.get("variants") or []:
                        if v.get("sku"):
                            items[v["sku"]] = int(v["inventory_item_id"])
                nxt = _NEXT.search(resp.headers.get("Link", ""))
                url, params = (nxt.group(1), None) if nxt else (None, None)
            self._inventory_items = items
        if sku not in self._inventory_items:
            raise RecordError(f"no Shopify variant has SKU {sku!r}", code="unknown_sku", store=self.store)
        return self._inventory_items[sku]

    async def push_stock(self, payload: dict[str, Any], *, key: str) -> Any:
        if self.s.location_id is None:
            raise CapabilityNotSupported(f"stores.{self.store}.location_id is not set: cannot push stock",
                                         store=self.store)
        if self.s.api == "graphql":
            return await self._graphql_stock(payload, key=key)
        return await self._rest_stock(payload, key=key)

    async def _rest_stock(self, payload: dict[str, Any], *, key: str) -> Any:
        """``inventory_levels/set``: an absolute level, so a repeat is harmless (declared idempotent)."""
        item = await self._inventory_item(payload["sku"])
        body = {"location_id": self.s.location_id, "inventory_item_id": item, "available": int(payload["available"])}
        await self.api().post(self._path("/inventory_levels/set.json"), json=body, headers=self._headers(),
                              idempotent=True)
        return {"inventory_item_id": item, "available": body["available"]}

    # -- pushes on GraphQL ----------------------------------------------------------------

    @staticmethod
    def _gid(kind: str, external_id: Any) -> str:
        return f"gid://shopify/{kind}/{external_id}"

    def _user_errors(self, result: dict[str, Any], key: str, what: str) -> None:
        errors_ = result.get(key) or []
        if errors_:
            text = "; ".join(f"{'.'.join(e.get('field') or []) or what}: {e.get('message')}" for e in errors_)
            raise RecordError(f"{self.store}: Shopify refused {what}: {text}", code="channel_rejected",
                              store=self.store)

    async def _graphql_fulfilment(self, order: Order, payload: dict[str, Any], *, key: str) -> Any:
        """``fulfillmentCreate`` on every open fulfillment order. Read back first: a fulfilment that
        already went through (a retry after a lost answer) is not created twice."""
        current = (await self.graphql(queries.FULFILLMENT_ORDERS,
                                      {"id": self._gid("Order", order.external_id)})).get("order") or {}
        fos = (current.get("fulfillmentOrders") or {}).get("nodes") or []
        open_ids = [fo["id"] for fo in fos if fo.get("status") in ("OPEN", "IN_PROGRESS")]
        if not open_ids:
            return {"already_fulfilled": True, "fulfillment_orders": [fo["id"] for fo in fos]}
        result = (await self.graphql(queries.FULFILLMENT_CREATE, {"fulfillment": mapping.fulfillment_input(
            open_ids, payload, notify=self.s.notify_customer)})).get("fulfillmentCreate") or {}
        self._user_errors(result, "userErrors", "the fulfilment")
        f = result.get("fulfillment") or {}
        return {"fulfillment_id": f.get("id"), "status": f.get("status")}

    async def _graphql_tracking(self, order: Order, payload: dict[str, Any], *, key: str) -> Any:
        """``fulfillmentEventCreate`` on the fulfillment carrying this tracking number; read back
        first, so a retry does not add the same status twice."""
        current = (await self.graphql(queries.FULFILLMENT_ORDERS,
                                      {"id": self._gid("Order", order.external_id)})).get("order") or {}
        number = payload.get("tracking_number")
        f = next((f for f in current.get("fulfillments") or []
                  if number in [t.get("number") for t in f.get("trackingInfo") or []]), None)
        if f is None:
            raise TransientError(f"order {order.external_id} has no fulfillment with tracking {number} yet",
                                 store=self.store)
        event = mapping.fulfillment_event_input(f["id"], payload)
        if event is None:
            return {"skipped": payload.get("status")}
        done = next((e for e in (f.get("events") or {}).get("nodes") or [] if e.get("status") == event["status"]), None)
        if done:
            return {"event_id": done.get("id"), "repeat": True}
        result = (await self.graphql(queries.FULFILLMENT_EVENT_CREATE, {"fulfillmentEvent": event})).get(
            "fulfillmentEventCreate") or {}
        self._user_errors(result, "userErrors", "the tracking event")
        return {"event_id": (result.get("fulfillmentEvent") or {}).get("id"), "status": event["status"]}

    async def _graphql_cancel(self, order: Order, payload: dict[str, Any], *, key: str) -> Any:
        """``orderCancel`` (read back first): restocked, not refunded — money goes back by a
        person's decision, not a sync."""
        gid = self._gid("Order", order.external_id)
        current = (await self.graphql(queries.FULFILLMENT_ORDERS, {"id": gid})).get("order") or {}
        if current.get("cancelledAt"):
            return {"already_cancelled": True}
        result = (await self.graphql(queries.ORDER_CANCEL, {
            "orderId": gid, "reason": str(payload.get("shopify_reason", "other")).upper(), "refund": False,
            "restock": True, "notifyCustomer": False})).get("orderCancel") or {}
        self._user_errors(result, "orderCancelUserErrors", "the cancellation")
        return {"cancelled": True, "job": (result.get("job") or {}).get("id")}

    async def _graphql_stock(self, payload: dict[str, Any], *, key: str) -> Any:
        """``inventorySetQuantities`` as compare-and-set: the level read first is the
        ``compareQuantity``, so a level another app changed in between is read again, not
        overwritten blind, and the mutation may be sent again after a lost answer (a second
        application is refused as stale); a level already right is left alone. The push's key rides
        along as the change's ``referenceDocumentUri``."""
        location = self._gid("Location", self.s.location_id)
        sku, target = payload["sku"], int(payload["available"])
        for _ in range(3):
            found = (await self.graphql(queries.VARIANT_BY_SKU, {"query": f"sku:{sku}", "location": location})).get(
                "productVariants") or {}
            variant = next((v for v in found.get("nodes") or [] if v.get("sku") == sku), None)
            if variant is None:
                raise RecordError(f"no Shopify variant has SKU {sku!r}", code="unknown_sku", store=self.store)
            item = variant["inventoryItem"]
            quantities = ((item.get("inventoryLevel") or {}).get("quantities")) or []
            current = next((q.get("quantity") for q in quantities if q.get("name") == "available"), 0)
            if current == target:
                return {"inventory_item_id": item["id"], "available": target, "unchanged": True}
            result = (await self.graphql(queries.INVENTORY_SET, {"input": {
                "name": "available", "reason": "correction", "ignoreCompareQuantity": False,
                "referenceDocumentUri": f"gid://orderhub/StockPush/{quote(key, safe='')}",
                "quantities": [{"inventoryItemId": item["id"], "locationId": location, "quantity": target,
                                "compareQuantity": current}]}}, safe=True)).get("inventorySetQuantities") or {}
            if any(e.get("code") == "COMPARE_QUANTITY_STALE" for e in result.get("userErrors") or []):
                continue  # changed in between (or our own lost answer applied): read again
            self._user_errors(result, "userErrors", "the stock level")
            return {"inventory_item_id": item["id"], "available": target, "was": current}
        raise TransientError(f"{self.store}: {sku} kept changing on Shopify while we set it", code="conflict",
                             store=self.store)
