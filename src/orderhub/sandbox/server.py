"""A small HTTP/1.1 server on asyncio streams, for the sandbox only.

Why not an ASGI framework: the sandbox must misbehave on purpose — drop a connection after it has
applied a request, truncate a body, stall — which frameworks rightly make hard. Keep-alive,
Content-Length bodies and nothing else: exactly what httpx sends.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import orjson

REASONS = {200: "OK", 201: "Created", 202: "Accepted", 204: "No Content", 206: "Partial Content", 400: "Bad Request",
           401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 409: "Conflict", 422: "Unprocessable Entity",
           416: "Range Not Satisfiable", 429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    def json(self) -> Any:
        return orjson.loads(self.body) if self.body else None


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    #: Misbehaviour, set by the fault layer: close the connection instead of answering (after the
    #: handler has applied the request), or cut the body short.
    drop: bool = False
    truncate: bool = False
    delay: float = 0.0
    #: Whether a write changed anything (a GraphQL mutation refused with ``userErrors`` did not):
    #: the dropped-answer fault counts only writes that applied.
    applied: bool = True

    @classmethod
    def json(cls, data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
        # OPT_NON_STR_KEYS: a summary counts requests by HTTP status, an int key
        return cls(status, orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS), {"Content-Type": "application/json", **(headers or {})})


Handler = Callable[[Request], Awaitable[Response]]


class HttpServer:
    def __init__(self, handler: Handler, host: str = "127.0.0.1", port: int = 0) -> None:
        self.handler, self.host, self.port = handler, host, port
        self._server: asyncio.base_events.Server | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, self.host, self.port, limit=2**20, backlog=512)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server:
            self._server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                method, target, _ = lines[0].split(" ", 2)
                headers = {}
                for line in lines[1:]:
                    if ":" in line:
                        k, v = line.split(":", 1)
                        headers[k.strip().lower()] = v.strip()
                body = await reader.readexactly(int(headers.get("content-length", "0") or 0))
                parts = urlsplit(target)
                req = Request(method.upper(), parts.path, parse_qs(parts.query, keep_blank_values=True), headers, body)
                try:
                    resp = await self.handler(req)
                except Exception as exc:  # noqa: BLE001 - a sandbox bug answers 500, loudly
                    resp = Response.json({"errors": f"sandbox error: {type(exc).__name__}: {exc}"}, 500)
                if resp.delay:
                    await asyncio.sleep(resp.delay)
                if resp.drop:
                    writer.transport.abort()
                    return
                body_out = resp.body[: max(1, len(resp.body) // 2)] if resp.truncate else resp.body
                out = [f"HTTP/1.1 {resp.status} {REASONS.get(resp.status, 'Status')}",
                       f"Content-Length: {len(resp.body)}"]
                out += [f"{k}: {v}" for k, v in resp.headers.items()]
                writer.write(("\r\n".join(out) + "\r\n\r\n").encode("latin-1") + body_out)
                await writer.drain()
                if resp.truncate or headers.get("connection", "").lower() == "close":
                    writer.close()
                    return
        except (ConnectionError, asyncio.IncompleteReadError):
            return
        finally:
            with contextlib.suppress(Exception):
                writer.close()


class ServerThread:
    """Runs a server on its own event loop in a thread: for tests and for ``orderhub sandbox``."""

    def __init__(self, handler_factory: Callable[[], Handler], host: str = "127.0.0.1", port: int = 0) -> None:
        self._factory, self._host, self._port = handler_factory, host, port
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="orderhub-sandbox")
        self.server: HttpServer | None = None

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self.server = HttpServer(self._factory(), self._host, self._port)
        self._loop.run_until_complete(self.server.start())
        self._ready.set()
        self._loop.run_forever()

    def start(self) -> str:
        self._thread.start()
        self._ready.wait(10)
        assert self.server is not None
        return self.server.url

    def call(self, coro: Awaitable[Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result()  # type: ignore[arg-type]

    def stop(self) -> None:
        async def shutdown() -> None:
            if self.server is not None:
                await self.server.stop()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(shutdown(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
