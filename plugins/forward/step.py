from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from orderhub.extend import Order, Step, StepContext, StepResult, parse_duration, resolve_secret


class ForwardOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str = Field(description="Endpoint that receives POSTed orders.")
    bearer_token: str | None = Field(default=None, description="'env:NAME' or 'file:PATH' of a bearer token.")
    timeout: float | str = "10s"


class Forward(Step):
    name: ClassVar[str] = "forward"
    Options = ForwardOptions

    async def run(self, order: Order, ctx: StepContext) -> StepResult:
        ctx.push("order", {}, key=f"forward:{order.id}:{order.updated_at.isoformat()}")
        return StepResult.proceed()

    async def deliver(self, kind: str, order: Order | None, payload: dict[str, Any], *, key: str) -> Any:
        """POST the order through the hub's adapter for this store's forward (``plugin:forward:STORE``
        in /metrics): a 429 or 5xx is transient with the server's Retry-After, a 401/403 stops the
        store as a config error, another 4xx kills this push; the push itself is the retry."""
        opts: ForwardOptions = self.options  # type: ignore[assignment]
        headers = {}
        if opts.bearer_token:
            token = resolve_secret(opts.bearer_token, key=f"stores.{self.store}.chain.forward.bearer_token")
            headers["Authorization"] = f"Bearer {token.get_secret_value()}"
        body = {"event": "order", "store": self.store, "order": order.model_dump(mode="json") if order else None}
        http = self.hub.plugin_http(f"forward:{self.store}", timeout=parse_duration(opts.timeout))
        resp = await http.post(opts.url, json=body, headers=headers, idempotency_key=key)
        return {"status": resp.status_code}
