from __future__ import annotations

from typing import Any, ClassVar

import httpx
from pydantic import BaseModel, ConfigDict, Field

from orderhub.extend import (
    Order,
    RecordError,
    Step,
    StepContext,
    StepResult,
    TransientError,
    parse_duration,
    parse_retry_after,
    resolve_secret,
    tls_context,
)


class ForwardOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str = Field(description="Endpoint that receives POSTed orders.")
    bearer_token: str | None = Field(default=None, description="'env:NAME' or 'file:PATH' of a bearer token.")
    timeout: float | str = "10s"


class Forward(Step):
    name: ClassVar[str] = "forward"
    Options = ForwardOptions

    def __init__(self, store: str, options: BaseModel) -> None:
        super().__init__(store, options)
        self._client: httpx.AsyncClient | None = None

    async def run(self, order: Order, ctx: StepContext) -> StepResult:
        ctx.push("order", {}, key=f"forward:{order.id}:{order.updated_at.isoformat()}")
        return StepResult.proceed()

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            opts: ForwardOptions = self.options  # type: ignore[assignment]
            headers = {"User-Agent": "orderhub"}
            if opts.bearer_token:
                token = resolve_secret(opts.bearer_token, key=f"stores.{self.store}.chain.forward.bearer_token")
                headers["Authorization"] = f"Bearer {token.get_secret_value()}"
            self._client = httpx.AsyncClient(timeout=parse_duration(opts.timeout), headers=headers,
                                             verify=tls_context())
        return self._client

    async def deliver(self, kind: str, order: Order | None, payload: dict[str, Any], *, key: str) -> Any:
        opts: ForwardOptions = self.options  # type: ignore[assignment]
        body = {"event": "order", "store": self.store, "order": order.model_dump(mode="json") if order else None}
        try:
            resp = await self._http().post(opts.url, json=body, headers={"Idempotency-Key": key})
        except httpx.TransportError as exc:
            raise TransientError(f"forward to {opts.url} failed: {type(exc).__name__}", store=self.store) from None
        if resp.status_code in (408, 425, 429) or resp.status_code >= 500:
            raise TransientError(f"forward to {opts.url}: HTTP {resp.status_code}", store=self.store,
                                 retry_after=parse_retry_after(resp.headers.get("Retry-After")))
        if resp.status_code >= 400:
            raise RecordError(f"forward to {opts.url}: HTTP {resp.status_code}: {resp.text[:200]}", store=self.store)
        return {"status": resp.status_code}

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
