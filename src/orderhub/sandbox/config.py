"""An orderhub config pointing at a running sandbox, written as TOML (``orderhub sandbox``, the
demo and the drills write theirs with it)."""

from __future__ import annotations

from typing import Any


def toml_value(v: Any) -> str:
    """A TOML literal for the simple values a generated config holds."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(v)
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, list | tuple):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(f"cannot write {type(v).__name__} as TOML")


def sandbox_config_toml(stores: dict[str, dict[str, Any]], *, db: str = "sqlite:///orderhub.db",
                        chain: str = '["hold_rules"]', carriers: dict[str, dict[str, Any]] | None = None,
                        plugins: dict[str, dict[str, Any]] | None = None) -> str:
    """An orderhub config for the sandbox's stores and carriers (secrets as file: references;
    ``chain`` is TOML)."""
    lines = ["# Written by `orderhub sandbox`: every store and carrier points at the loopback sandbox.",
             "[database]", f'url = "{db}"', "", "[runtime]", 'executor_id = "sandbox-worker"', "",
             "[logging]", 'level = "warning"', ""]
    for section, tables in (("stores", stores), ("carriers", carriers or {}), ("plugins", plugins or {})):
        for name, values in tables.items():
            lines.append(f"[{section}.{name}]")
            lines += [f"{k} = {toml_value(v)}" for k, v in values.items() if v is not None]
            if section == "stores":
                lines.append(f"chain = {chain}")
            lines.append("")
    return "\n".join(lines)
