"""The sandbox: several emulated shops behind one loopback port, each under its own path prefix
(``/shopify/<shop>``, ``/woocommerce/<shop>``), plus control endpoints under ``/_sandbox``."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

from .carriers import DESKS, CarrierDesk
from .server import Request, Response, ServerThread
from .shopify import ShopifyShop
from .shops import Faults, Shop
from .woocommerce import WooShop

SHOPIFY_API_VERSION = "2025-01"


def _secret_file(secrets_dir: Path, name: str, value: str) -> str:
    """Write a sandbox credential as a private file; return its ``file:`` reference."""
    path = secrets_dir / name
    path.write_text(value)
    path.chmod(0o600)
    return f"file:{path}"


class Sandbox:
    def __init__(self, *, shopify: int = 2, woocommerce: int = 1, orders: int = 1000, malformed: float = 0.01,
                 seed: int = 1, latency: float = 0.0, woo_rate: float = 25.0,
                 shopify_bucket: float = 40.0, shopify_leak: float = 2.0, carriers: bool = True,
                 smtp: bool = False) -> None:
        self.shops: dict[str, Shop] = {}
        self.carriers: dict[str, CarrierDesk] = {}
        if carriers:
            for name, cls in DESKS.items():
                self.carriers[name] = cls(name=name, latency=latency, client_id=f"{name}-sandbox-client",
                                          client_secret=f"{name}-sandbox-secret", faults=Faults(seed=seed * 300))
        self.smtp = None
        if smtp:
            from .smtp import SmtpSink

            self.smtp = SmtpSink()
        for n in range(shopify):
            name = f"shop{n + 1}"
            self.shops[name] = ShopifyShop(name=name, count=orders, seed=seed * 100 + n, malformed=malformed,
                                           latency=latency, access_token=f"shpat_sandbox_{name}",
                                           webhook_secret=f"whsec_{name}", bucket_size=shopify_bucket,
                                           leak_rate=shopify_leak, faults=Faults(seed=seed * 100 + n))
        for n in range(woocommerce):
            name = f"woo{n + 1}"
            self.shops[name] = WooShop(name=name, count=orders, seed=seed * 200 + n, malformed=malformed,
                                       latency=latency, consumer_key=f"ck_sandbox_{name}",
                                       consumer_secret=f"cs_sandbox_{name}", webhook_secret=f"whsec_{name}",
                                       rate=woo_rate, faults=Faults(seed=seed * 200 + n))
        self.thread: ServerThread | None = None
        self.url: str | None = None

    # -- routing --------------------------------------------------------------------------

    async def handle(self, req: Request) -> Response:
        parts = req.path.split("/", 3)
        if len(parts) >= 3 and parts[1] == "_sandbox":
            return await self.control(req, parts[2:])
        if len(parts) >= 2 and parts[1] in self.carriers:
            return await self.carriers[parts[1]].handle(req, "/" + "/".join(parts[2:]))
        if len(parts) >= 3 and parts[1] in ("shopify", "woocommerce") and parts[2] in self.shops:
            shop = self.shops[parts[2]]
            req.headers["x-sandbox-prefix"] = f"/{parts[1]}/{parts[2]}"
            return await shop.handle(req, "/" + (parts[3] if len(parts) > 3 else ""))
        return Response.json({"errors": "Not Found"}, 404)

    async def add_orders(self, name: str, count: int) -> list[str]:
        """New orders on a live shop; with a webhook URL set, each is announced as the platform would."""
        shop = self.shops[name]
        new = shop.add_orders(count)
        if shop.webhook_url:
            topic = "orders/create" if isinstance(shop, ShopifyShop) else "order.created"
            for i in new:
                await shop.send_webhook(topic, i)
        return [shop.external_id(i) for i in new]

    async def control(self, req: Request, parts: list[str]) -> Response:
        if parts[0] == "summary":
            return Response.json({name: s.summary() for name, s in {**self.shops, **self.carriers}.items()})
        if parts[0] == "carriers" and len(parts) > 1 and parts[1] == "advance" and req.method == "POST":
            hours = float((req.json() or {}).get("hours", 24))
            self.advance(hours)
            return Response.json({name: d.clock_hours for name, d in self.carriers.items()})
        if parts[0] == "notifications":
            return Response.json(self.smtp.messages if self.smtp else [])
        shop = self.shops.get(parts[0]) or self.carriers.get(parts[0])
        if shop is None:
            return Response.json({"errors": "no such shop"}, 404)
        what = parts[1] if len(parts) > 1 else ""
        if what == "faults" and req.method == "POST":
            shop.faults = Faults(**{**asdict(shop.faults), **(req.json() or {})})
            return Response.json(asdict(shop.faults))
        if what == "pushes":
            return Response.json(shop.pushes)
        if what == "log":
            return Response.json([e.__dict__ for e in shop.log])
        if what == "orders" and req.method == "POST":
            return Response.json({"created": await self.add_orders(shop.name, int((req.json() or {}).get("count", 1)))})
        if what == "webhook_url" and req.method == "POST":
            shop.webhook_url = (req.json() or {}).get("url")
            return Response.json({"url": shop.webhook_url})
        return Response.json({"errors": "unknown control"}, 404)

    def advance(self, hours: float) -> None:
        """Move every carrier's clock: tracking histories progress by that many hours."""
        for desk in self.carriers.values():
            desk.advance(hours)

    # -- running --------------------------------------------------------------------------

    def start(self, port: int = 0) -> str:
        self.thread = ServerThread(lambda: self.handle, port=port)
        self.url = self.thread.start()
        if self.smtp:
            self.smtp.start()
        return self.url

    def stop(self) -> None:
        if self.thread:
            self.thread.stop()
        if self.smtp:
            self.smtp.stop()

    def __enter__(self) -> Sandbox:
        self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def base_url(self, name: str) -> str:
        kind = "shopify" if isinstance(self.shops[name], ShopifyShop) else "woocommerce"
        return f"{self.url}/{kind}/{name}"

    def carrier_configs(self, secrets_dir: Path) -> dict[str, dict[str, Any]]:
        """``[carriers.*]`` tables pointing at the emulators; secrets written as files."""
        secrets_dir.mkdir(parents=True, exist_ok=True)
        out: dict[str, dict[str, Any]] = {}
        for name, desk in self.carriers.items():
            base = {"connector": name, "base_url": f"{self.url}/{name}", "http_attempts": 6}
            if name == "dhl":
                creds = {"api_key": _secret_file(secrets_dir, "dhl.api_key", desk.client_id),
                         "api_secret": _secret_file(secrets_dir, "dhl.api_secret", desk.client_secret)}
                base["tracking_calls_per_second"] = 200.0
            else:
                creds = {"client_id": _secret_file(secrets_dir, f"{name}.client_id", desk.client_id),
                         "client_secret": _secret_file(secrets_dir, f"{name}.client_secret", desk.client_secret)}
                base["requests_per_second"] = 200.0
            out[name] = {**base, "credentials": creds}
        return out

    def store_configs(self, secrets_dir: Path) -> dict[str, dict[str, Any]]:
        """Store tables for an orderhub config pointing at this sandbox; secrets written as files."""
        secrets_dir.mkdir(parents=True, exist_ok=True)
        stores: dict[str, dict[str, Any]] = {}

        def secret(name: str, value: str) -> str:
            return _secret_file(secrets_dir, name, value)

        for name, shop in self.shops.items():
            if isinstance(shop, ShopifyShop):
                stores[name] = {"connector": "shopify", "base_url": self.base_url(name),
                                "credentials": {"access_token": secret(f"{name}.access_token", shop.access_token),
                                                "webhook_secret": secret(f"{name}.webhook_secret", shop.webhook_secret)},
                                "api_version": SHOPIFY_API_VERSION}
            else:
                assert isinstance(shop, WooShop)
                stores[name] = {"connector": "woocommerce", "base_url": self.base_url(name),
                                "credentials": {"consumer_key": secret(f"{name}.consumer_key", shop.consumer_key),
                                                "consumer_secret": secret(f"{name}.consumer_secret", shop.consumer_secret),
                                                "webhook_secret": secret(f"{name}.webhook_secret", shop.webhook_secret)},
                                "rate_limit": shop.rate or None}
        return stores
