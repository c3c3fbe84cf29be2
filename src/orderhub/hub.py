"""The hub: config, plugins, database engine, and each store's connector and chain, built once."""

from __future__ import annotations

import contextlib
import inspect
from datetime import datetime
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncEngine

from orderhub.config import ChainEntry, Config
from orderhub.secrets import resolve_secret, secret_references
from orderhub.shipping.carrier import Carrier
from orderhub.intake.connector import Connector
from orderhub.db.health import DatabaseHealth
from orderhub.db.engine import make_async_engine, migrate
from orderhub.errors import ConfigError
from orderhub.http import StoreHttp, tls_context
from orderhub.logging import get_logger, remember_secrets
from orderhub.notices import Notice
from orderhub.plugin_manager import PluginManager
from orderhub.chain.steps import Step

log = get_logger()


@dataclass
class ChainLink:
    index: int
    entry: ChainEntry
    step: Step


class Hub:
    """Everything a sync needs, resolved from config and plugins (no I/O until used)."""

    def __init__(self, config: Config, plugins: PluginManager | None = None, *, engine: AsyncEngine | None = None):
        self.config = config
        self.plugins = plugins or PluginManager()
        self._engine = engine
        self._db_health = DatabaseHealth()
        if engine is not None:
            self._db_health.watch(engine.sync_engine)
        self._connectors: dict[str, Connector] = {}
        self._carriers: dict[str, Carrier] = {}
        self._chains: dict[str, list[ChainLink]] = {}
        self._clients: list[httpx.AsyncClient] = []
        self._plugin_http: dict[str, StoreHttp] = {}
        self._metrics: Any = None
        self.plugins.hook.configure(config=config, hub=self)

    @classmethod
    def from_config(cls, path: str | Path | None = None) -> Hub:
        """The hub of a config file (default: ``$ORDERHUB_CONFIG``, then ``./orderhub.toml``), for a
        plugin's command; ConfigError naming every problem when the file is wrong."""
        from orderhub.config import load_config

        return cls(load_config(path))

    @property
    def metrics(self) -> Any:
        if self._metrics is None:
            from orderhub.web.metrics import Metrics

            self._metrics = Metrics(self)
        return self._metrics

    # -- validation (orderhub check) --------------------------------------------------------

    def check(self) -> list[str]:
        """Resolve every store's connector, settings, secrets, chain and the paths they name, and
        every ``env:``/``file:`` reference anywhere in the config; return the problems, one line each
        (a secret's value never appears in them)."""
        problems: list[str] = list(self.plugins.registry.conflicts)
        for err in self.plugins.load_errors:
            problems.append(f"plugin {err.name} ({err.value}) failed to load: {err.error}")
        for key, ref in secret_references(self.config):
            try:
                resolve_secret(ref, key=key)
            except ConfigError as exc:
                problems.append(str(exc))
        for name, sc in self.config.stores.items():
            try:
                cls = self.plugins.connector_class(sc.connector, key=f"stores.{name}.connector")
                # built without its secrets (reported above) so its settings and paths are checked too
                probe = cls(name, sc, secrets={k: SecretStr("") for k in sc.credentials}, base_dir=self._base_dir())
                problems += probe.check()
                self.chain(name)
            except ConfigError as exc:
                problems += str(exc).splitlines()
        for name in self.config.carriers:
            try:
                self.carrier(name)
            except ConfigError as exc:
                problems += str(exc).splitlines()
        return list(dict.fromkeys(problems))  # a store's missing secret is found twice: say it once

    # -- database ---------------------------------------------------------------------------

    @property
    def engine(self) -> AsyncEngine:
        if self._engine is None:
            self._engine = make_async_engine(self.config.database.url)
            self._db_health.watch(self._engine.sync_engine)
        return self._engine

    def database_trouble(self, since: datetime) -> dict[str, Any]:
        """What this process saw go wrong with the database since then: how many errors and
        dropped connections, the first and last, the last one's words (for the incident detector)."""
        seen = self._db_health.since(since)
        return {"errors": len(seen), "first_at": seen[0].at if seen else None, "last_at": seen[-1].at if seen else None,
                "last_error": seen[-1].what if seen else None}

    def migrate(self) -> None:
        migrate(self.config.database.url, plugin_folders=[folder for folder, _ in self.plugins.migrations()])

    # -- per store --------------------------------------------------------------------------

    def store_config(self, store: str) -> Any:
        try:
            return self.config.stores[store]
        except KeyError:
            raise ConfigError(f"unknown store {store!r} (configured: {', '.join(self.config.stores) or 'none'})") from None

    def _http(self, name: str, cls: Any, cfg: Any, label: str) -> StoreHttp | None:
        """The adapter for one store or carrier account: its own client, limiter and breaker."""
        if not cfg.base_url:
            return None
        client = httpx.AsyncClient(base_url=cfg.base_url, verify=tls_context(),
                                   timeout=httpx.Timeout(cfg.http_timeout, connect=min(10.0, cfg.http_timeout)),
                                   limits=httpx.Limits(max_keepalive_connections=4, max_connections=8))
        self._clients.append(client)
        settings = cls.parse_settings(name, cfg)
        return StoreHttp(client, store=label, limiter=cls.make_limiter(settings), max_attempts=cfg.http_attempts,
                         budget=cfg.http_budget, explain=cls.explain_error)

    def plugin_http(self, name: str, *, timeout: float = 10.0, attempts: int = 1) -> StoreHttp:
        """The HTTP adapter a plugin sends through (an ERP, a chat webhook, an alert endpoint),
        labelled ``plugin:NAME`` in ``/metrics``: the same typed errors (429 and 5xx transient with
        the server's ``Retry-After``, 401/403 a config error), circuit breaker and figures as a
        store's. One attempt by default: a plugin's send is a durable push, and the push is retried."""
        label = f"plugin:{name}"
        if label not in self._plugin_http:
            client = httpx.AsyncClient(verify=tls_context(), timeout=httpx.Timeout(timeout, connect=min(10.0, timeout)),
                                       headers={"User-Agent": "orderhub"})
            self._clients.append(client)
            self._plugin_http[label] = StoreHttp(client, store=label, max_attempts=attempts, budget=timeout * attempts)
        return self._plugin_http[label]

    @contextlib.asynccontextmanager
    async def reading(self) -> AsyncIterator[Any]:
        """A read-only :class:`orderhub.chain.data.StepData` on its own connection, for a plugin's work
        outside the chain (a push being delivered, a command)."""
        from orderhub.chain.data import StepData

        async with self.engine.connect() as conn:
            yield StepData(conn, hub=self)

    @contextlib.asynccontextmanager
    async def writing(self, actor: str = "plugin") -> AsyncIterator[Any]:
        """A :class:`orderhub.chain.data.StepData` in its own transaction, for a plugin's changes
        outside the chain (a push being delivered, a command): committed when the block ends,
        and the hooks its changes call for fired after the commit."""
        from orderhub.chain.data import StepData

        data = None
        async with self.engine.begin() as conn:
            data = StepData(conn, hub=self, actor=actor)
            yield data
        await self.notify(data.notices)

    def http_adapters(self) -> list[StoreHttp]:
        """Every HTTP adapter built so far, of stores, carrier accounts (``carrier:NAME``) and
        plugins (``plugin:NAME``): what ``/metrics`` reports."""
        accounts: list[Any] = [*self._connectors.values(), *self._carriers.values()]
        return [a.http for a in accounts if a.http is not None] + list(self._plugin_http.values())

    def _base_dir(self) -> Path | None:
        """Where relative paths in store and carrier options start: the config file's folder."""
        return self.config.path.parent if self.config.path else None

    def connector(self, store: str) -> Connector:
        if store not in self._connectors:
            sc = self.store_config(store)
            cls = self.plugins.connector_class(sc.connector, key=f"stores.{store}.connector")
            secrets = sc.secrets(store)
            remember_secrets(list(secrets.values()))
            http = self._http(store, cls, sc, store)
            self._connectors[store] = cls(store, sc, secrets=secrets, http=http, base_dir=self._base_dir())
        return self._connectors[store]

    def carrier(self, name: str) -> Carrier:
        """The carrier account ``[carriers.<name>]``, built once (its OAuth token lives with it)."""
        if name not in self._carriers:
            try:
                cc = self.config.carriers[name]
            except KeyError:
                known = ", ".join(self.config.carriers) or "none"
                raise ConfigError(f"unknown carrier {name!r} (configured: {known})", key="carriers") from None
            cls = self.plugins.carrier_class(cc.connector, key=f"carriers.{name}.connector")
            secrets = cc.secrets(name)
            remember_secrets(list(secrets.values()))
            http = self._http(name, cls, cc, f"carrier:{name}")
            self._carriers[name] = cls(name, cc, secrets=secrets, http=http, base_dir=self._base_dir())
        return self._carriers[name]

    def chain(self, store: str) -> list[ChainLink]:
        if store not in self._chains:
            sc = self.store_config(store)
            links = []
            for i, entry in enumerate(sc.chain):
                key = f"stores.{store}.chain[{i}]"
                cls = self.plugins.step_class(entry.step, key=key)
                step = cls.build(store, entry.options, key=key)
                step.hub = self
                links.append(ChainLink(i, entry, step))
            self._chains[store] = links
        return self._chains[store]

    async def _ask_plugins(self, hook: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Each plugin's answer to a read hook, awaited, with the plugin's short name (an entry
        point's name, or a module's last part); a plugin that fails is logged and left out."""
        answers = []
        for impl in getattr(self.plugins.hook, hook).get_hookimpls():
            try:
                found = impl.function(**kwargs)
                if inspect.isawaitable(found):
                    found = await found
            except Exception:
                log.exception("hook_failed", hook=hook, plugin=impl.plugin_name)
                continue
            if found:
                answers.append((impl.plugin_name.rsplit(".", 1)[-1], found))
        return answers

    async def plugin_timeline(self, conn: Any, order_id: str) -> list[dict[str, Any]]:
        """Every plugin's entries about an order (``order_timeline`` hook), oldest first."""
        entries = [{"plugin": name, **e} for name, found in await self._ask_plugins(
            "order_timeline", conn=conn, order_id=order_id) for e in found]
        return sorted(entries, key=lambda e: str(e.get("at") or ""))

    async def plugin_details(self, conn: Any, order_id: str) -> dict[str, Any]:
        """Every plugin's sections about an order (``order_details`` hook), merged by name."""
        sections: dict[str, Any] = {}
        for _name, found in await self._ask_plugins("order_details", conn=conn, order_id=order_id):
            sections.update(found)
        return sections

    def order_links(self, order: Any) -> dict[str, str]:
        """Every plugin's links about ``order`` for its customer (``order_links`` hook), merged."""
        links: dict[str, str] = {}
        for found in self.plugins.hook.order_links(order=order):
            links.update(found or {})
        return links

    # -- notifications ----------------------------------------------------------------------

    async def notify(self, notices: list[Notice]) -> None:
        """Fire event hooks after a commit. A failing hook is logged, never raised."""
        for notice in notices:
            hook_name = notice.hook
            hook = getattr(self.plugins.hook, hook_name)
            try:
                results = hook(**notice.kwargs())
                for r in results:
                    if inspect.isawaitable(r):
                        await r
            except Exception:
                log.exception("hook_failed", hook=hook_name)

    async def aclose(self) -> None:
        for c in self._connectors.values():
            await c.aclose()
        for carrier in self._carriers.values():
            await carrier.aclose()
        for links in self._chains.values():
            for link in links:
                await link.step.aclose()
        for client in self._clients:
            await client.aclose()
        if self._engine is not None:
            await self._engine.dispose()
