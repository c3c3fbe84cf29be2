"""Secrets: a config value ``"env:NAME"`` or ``"file:PATH"``, read into a ``SecretStr`` when used.
Nothing else is accepted, so no secret sits in a config file; ``orderhub check`` reads every
reference the config holds (:func:`secret_references`) without printing a value."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from orderhub.errors import ConfigError


def resolve_secret(reference: str, *, key: str) -> SecretStr:
    """Read ``env:NAME`` or ``file:PATH``; anything else is refused so no secret sits in the file."""
    if not isinstance(reference, str):
        raise ConfigError(f"{key}: a secret must be a string 'env:NAME' or 'file:PATH'", key=key)
    if reference.startswith("env:"):
        name = reference[4:]
        if name not in os.environ:
            raise ConfigError(f"{key}: environment variable {name} is not set", key=key)
        return SecretStr(os.environ[name])
    if reference.startswith("file:"):
        path = Path(reference[5:]).expanduser()
        try:
            return SecretStr(path.read_text().strip())
        except OSError as exc:
            raise ConfigError(f"{key}: cannot read secret file {path}: {exc.strerror}", key=key) from exc
    raise ConfigError(
        f"{key}: secrets must be given as 'env:NAME' or 'file:PATH', not as a literal value", key=key
    )


def secret_references(cfg: Any) -> list[tuple[str, str]]:
    """Every ``env:NAME`` / ``file:PATH`` string anywhere in the config (store credentials, step
    options, plugin tables), with its dotted key: what ``orderhub check`` must be able to read."""
    found: list[tuple[str, str]] = []

    def walk(value: Any, key: str) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, f"{key}.{k}" if key else str(k))
        elif isinstance(value, list | tuple):
            for i, v in enumerate(value):
                walk(v, f"{key}[{i}]")
        elif isinstance(value, str) and value.startswith(("env:", "file:")):
            found.append((key, value))

    walk(cfg.model_dump(exclude={"path"}), "")
    return found
