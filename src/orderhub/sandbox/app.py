"""The sandbox: several emulated shops and carriers behind one loopback port, each shop under its
own path prefix (``/<kind>/<shop>``: ``/shopify/shop1``, ``/woocommerce/woo1``), each carrier under
``/<name>``, plus control endpoints under ``/_sandbox``. The emulators come from the plugins
(``register_emulators``), each beside the connector it stands in for."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from collections.abc import Callable
from typing import Any

from orderhub.sandbox.desk import CarrierDesk
from orderhub.sandbox.server import Request, Response, ServerThread
from orderhub.sandbox.shops import Faults, Shop


def secret_writer(secrets_dir: Path) -> Callable[[str, str], str]:
    """The ``secret(name, value)`` an emulator's ``store_config`` is given: it writes a sandbox
    credential as a private file in ``secrets_dir`` and returns its ``file:`` reference."""
    secrets_dir.mkdir(parents=True, exist_ok=True)

    def secret(name: str, value: str) -> str:
        path = secrets_dir / name
        path.write_text(value)
        path.chmod(0o600)
        return f"file:{path}"
    return secret


def _emulators(plugins: Any = None) -> dict[str, type]:
    from orderhub.plugin_manager import PluginManager

    return (plugins or PluginManager()).emulators()


class Sandbox:
    """``shopify=2, woocommerce=1`` (or ``shops={"myshop": 1}`` for any registered kind): that many
    shops of each kind with ``orders`` orders each; ``carriers``: one account emulator per
    registered carrier. ``shopify_bucket``/``shopify_leak`` and ``woo_rate`` are those kinds' pacing;
    ``plugins``: the PluginManager whose emulators to use (default: the installed plugins)."""

    def __init__(self, *, shopify: int = 2, woocommerce: int = 1, orders: int = 1000, malformed: float = 0.01,
                 seed: int = 1, latency: float = 0.0, woo_rate: float = 25.0,
                 shopify_bucket: float = 40.0, shopify_leak: float = 2.0, carriers: bool = True,
                 smtp: bool = False, shops: dict[str, int] | None = None,
                 options: dict[str, dict[str, Any]] | None = None, plugins: Any = None) -> None:
        emulators = _emulators(plugins)
        counts = {"shopify": shopify, "woocommerce": woocommerce, **(shops or {})}
        kind_options = {"shopify": {"bucket_size": shopify_bucket, "leak_rate": shopify_leak},
                        "woocommerce": {"rate": woo_rate}, **(options or {})}
        self.shops: dict[str, Shop] = {}
        self.carriers: dict[str, CarrierDesk] = {}
        if carriers:
            for kind, cls in emulators.items():
                if cls.role == "carrier":
                    self.carriers[kind] = cls.for_sandbox(kind, latency=latency, faults=Faults(seed=seed * 300))
        self.smtp = None
        if smtp:
            from orderhub.sandbox.smtp import SmtpSink

            self.smtp = SmtpSink()
        for kind, count in counts.items():
            if not count:
                continue
            cls = emulators.get(kind)
            if cls is None or cls.role != "shop":
                known = ", ".join(k for k, c in emulators.items() if c.role == "shop") or "none"
                raise ValueError(f"no {kind!r} shop emulator is installed (installed: {known})")
            for n in range(count):
                name = f"{cls.prefix}{n + 1}"
                shop_seed = seed * cls.seed_base + n
                self.shops[name] = cls.for_sandbox(name, count=orders, seed=shop_seed, malformed=malformed,
                                                   latency=latency, faults=Faults(seed=shop_seed),
                                                   **kind_options.get(kind, {}))
        self.thread: ServerThread | None = None
        self.url: str | None = None

    # -- routing --------------------------------------------------------------------------

    async def handle(self, req: Request) -> Response:
        parts = req.path.split("/", 3)
        if len(parts) >= 3 and parts[1] == "_sandbox":
            return await self.control(req, parts[2:])
        if len(parts) >= 2 and parts[1] in self.carriers:
            return await self.carriers[parts[1]].handle(req, "/" + "/".join(parts[2:]))
        if len(parts) >= 3 and parts[2] in self.shops and self.shops[parts[2]].kind == parts[1]:
            shop = self.shops[parts[2]]
            req.headers["x-sandbox-prefix"] = f"/{parts[1]}/{parts[2]}"
            return await shop.handle(req, "/" + (parts[3] if len(parts) > 3 else ""))
        return Response.json({"errors": "Not Found"}, 404)

    async def add_orders(self, name: str, count: int) -> list[str]:
        """New orders on a live shop; with a webhook URL set, each is announced as the platform would."""
        shop = self.shops[name]
        new = shop.add_orders(count)
        if shop.webhook_url:
            for i in new:
                await shop.send_webhook(shop.new_order_topic, i)
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
        return f"{self.url}/{self.shops[name].kind}/{name}"

    def carrier_configs(self, secrets_dir: Path) -> dict[str, dict[str, Any]]:
        """``[carriers.*]`` tables pointing at the emulators; secrets written as files."""
        secret = secret_writer(secrets_dir)
        return {name: desk.store_config(f"{self.url}/{name}", secret)
                for name, desk in self.carriers.items()}

    def store_configs(self, secrets_dir: Path) -> dict[str, dict[str, Any]]:
        """Store tables for an orderhub config pointing at this sandbox; secrets written as files."""
        secret = secret_writer(secrets_dir)
        return {name: shop.store_config(self.base_url(name), secret)
                for name, shop in self.shops.items()}
