"""The plugin manager: hookspecs, entry points, and what each plugin registered.

Built-in connectors and steps arrive through the same ``orderhub`` entry-point group as a
third-party package. A plugin that fails to load is kept in ``load_errors`` with its error
(and shown by ``orderhub plugins``), never silently skipped. As pytest does it: a ``@hookimpl``
that names no hook (a typo) is a load error naming the plugin and the hook, and
``ORDERHUB_DISABLE_PLUGINS=name,name`` blocks plugins by entry-point name before they load.
"""

from __future__ import annotations

import difflib
import importlib.metadata as md
import os
import traceback
from dataclasses import dataclass, field
from typing import Any

import pluggy

from orderhub import hookspecs
from orderhub.errors import ConfigError

ENTRY_POINT_GROUP = "orderhub"
DISABLE_ENV = "ORDERHUB_DISABLE_PLUGINS"


@dataclass
class LoadError:
    name: str
    value: str
    error: str
    detail: str


@dataclass
class PluginInfo:
    name: str
    version: str | None
    hooks: list[str]
    module: str


@dataclass
class Registry:
    """Everything the plugins registered, by the name a config uses."""

    connectors: dict[str, type] = field(default_factory=dict)
    carriers: dict[str, type] = field(default_factory=dict)
    steps: dict[str, type] = field(default_factory=dict)
    conflicts: list[str] = field(default_factory=list)

    def _add(self, kind: str, cls: type) -> None:
        table: dict[str, type] = getattr(self, kind)
        name = getattr(cls, "name", None)
        if not isinstance(name, str) or not name:
            self.conflicts.append(f"{kind}: {cls.__module__}.{cls.__qualname__} has no 'name'")
            return
        if name in table and table[name] is not cls:
            self.conflicts.append(f"{kind}: {name!r} registered twice ({table[name].__module__} and {cls.__module__})")
            return
        table[name] = cls


class PluginManager:
    def __init__(self, *, load_entry_points: bool = True, extra: tuple[Any, ...] = ()) -> None:
        self.pm = pluggy.PluginManager(ENTRY_POINT_GROUP)
        self.pm.add_hookspecs(hookspecs)
        self.load_errors: list[LoadError] = []
        self._dists: dict[str, str | None] = {}
        #: Entry-point names blocked by ``$ORDERHUB_DISABLE_PLUGINS``.
        self.disabled = sorted({n.strip() for n in os.environ.get(DISABLE_ENV, "").split(",") if n.strip()})
        for name in self.disabled:
            self.pm.set_blocked(name)
        if load_entry_points:
            self._load_entry_points()
        for plugin in extra:
            self.pm.register(plugin)
        self._check_pending()
        self._registry: Registry | None = None

    @property
    def registry(self) -> Registry:
        """What the plugins registered, asked for on first use: a plugin's classes are imported
        when it registers them, and ``orderhub --help`` needs none."""
        if self._registry is None:
            self._registry = self._collect()
        return self._registry

    @property
    def hook(self) -> Any:
        return self.pm.hook

    def _load_entry_points(self) -> None:
        for ep in md.entry_points(group=ENTRY_POINT_GROUP):
            if self.pm.get_plugin(ep.name) is not None:
                continue
            try:
                plugin = ep.load()
                self.pm.register(plugin, name=ep.name)
            except Exception as exc:  # a broken plugin must not take the hub down, but must show
                self.load_errors.append(LoadError(ep.name, ep.value, f"{type(exc).__name__}: {exc}",
                                                  traceback.format_exc(limit=3)))
                continue
            self._dists[ep.name] = ep.dist.version if ep.dist else None

    def _check_pending(self) -> None:
        """A ``@hookimpl`` no hookspec declares would never be called: the plugin is unregistered and
        reported (pluggy's ``check_pending``, with the plugin and the hook it probably meant)."""
        known = sorted(n for n, caller in vars(self.pm.hook).items() if getattr(caller, "has_spec", lambda: False)())
        for name, caller in list(vars(self.pm.hook).items()):
            if not hasattr(caller, "has_spec") or caller.has_spec():
                continue
            for impl in caller.get_hookimpls():
                if impl.optionalhook:
                    continue
                close = difflib.get_close_matches(name, known, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                module = getattr(impl.plugin, "__name__", type(impl.plugin).__name__)
                self.load_errors.append(LoadError(
                    impl.plugin_name, module, f"@hookimpl {name} matches no orderhub hook{hint}",
                    f"{module}.{name}: known hooks are {', '.join(known)}"))
                if self.pm.is_registered(impl.plugin):
                    self.pm.unregister(impl.plugin)

    def _collect(self) -> Registry:
        reg = Registry()
        for kind, hook in (("connectors", self.hook.register_connectors), ("carriers", self.hook.register_carriers),
                           ("steps", self.hook.register_steps)):
            hook(register=lambda cls, _k=kind: reg._add(_k, cls))
        return reg

    def migrations(self) -> list[tuple[str, Any]]:
        """Each plugin's ``(folder of Alembic revisions, MetaData of its tables)``."""
        found: list[tuple[str, Any]] = []
        self.hook.register_migrations(register=lambda folder, metadata=None: found.append((str(folder), metadata)))
        return found

    def emulators(self) -> dict[str, type]:
        """Each registered emulator class by the connector it emulates (its ``kind``)."""
        found: dict[str, type] = {}
        self.hook.register_emulators(register=lambda cls: found.setdefault(cls.kind, cls))
        return found

    def schedules(self) -> dict[str, tuple[str, Any]]:
        """Each plugin job by name: ``(cron, async job(hub, scheduled_at))``."""
        found: dict[str, tuple[str, Any]] = {}

        def register(name: str, cron: str, job: Any) -> None:
            if name in found:
                self.registry.conflicts.append(f"schedules: {name!r} registered twice")
                return
            found[name] = (cron, job)
        self.hook.register_schedules(register=register)
        return found

    def store_tasks(self) -> dict[str, Any]:
        """Each plugin's per-store task by name: ``async task(hub, store) -> dict | None``."""
        found: dict[str, Any] = {}

        def register(name: str, task: Any) -> None:
            if name in found:
                self.registry.conflicts.append(f"store tasks: {name!r} registered twice")
                return
            found[name] = task
        self.hook.register_store_tasks(register=register)
        return found

    def plugins(self) -> list[PluginInfo]:
        out = []
        for name, plugin in self.pm.list_name_plugin():
            hooks = sorted(h.name for h in self.pm.get_hookcallers(plugin) or [])
            out.append(PluginInfo(name=name, version=self._dists.get(name), hooks=hooks,
                                  module=getattr(plugin, "__name__", type(plugin).__name__)))
        return sorted(out, key=lambda p: p.name)

    def connector_class(self, name: str, *, key: str) -> type:
        try:
            return self.registry.connectors[name]
        except KeyError:
            known = ", ".join(sorted(self.registry.connectors)) or "none"
            raise ConfigError(f"{key}: unknown connector {name!r} (installed: {known})", key=key) from None

    def step_class(self, name: str, *, key: str) -> type:
        try:
            return self.registry.steps[name]
        except KeyError:
            known = ", ".join(sorted(self.registry.steps)) or "none"
            raise ConfigError(f"{key}: unknown step {name!r} (installed: {known})", key=key) from None

    def carrier_class(self, name: str, *, key: str) -> type:
        try:
            return self.registry.carriers[name]
        except KeyError:
            known = ", ".join(sorted(self.registry.carriers)) or "none"
            raise ConfigError(f"{key}: unknown carrier connector {name!r} (installed: {known})", key=key) from None
