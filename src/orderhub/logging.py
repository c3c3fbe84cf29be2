"""structlog set-up: JSON or console, store/order/step bound by callers, secrets redacted.

Redaction is a processor, not a hope: any key that looks like a credential, and any value equal
to a loaded secret, is replaced before the line is rendered.
"""

from __future__ import annotations

import logging
import re
import sys
from typing import Any

import structlog
from pydantic import SecretStr

_SECRET_KEYS = re.compile(r"(token|secret|password|passwd|api[_-]?key|authorization|consumer_key)", re.I)
_known_secrets: set[str] = set()
REDACTED = "***"


def remember_secrets(values: list[SecretStr] | tuple[SecretStr, ...]) -> None:
    """Make the redactor also catch these values wherever they appear in a log line."""
    for v in values:
        s = v.get_secret_value()
        if len(s) >= 4:
            _known_secrets.add(s)


def _scrub(value: Any) -> Any:
    if isinstance(value, SecretStr):
        return REDACTED
    if isinstance(value, str) and _known_secrets:
        for s in _known_secrets:
            if s in value:
                value = value.replace(s, REDACTED)
        return value
    if isinstance(value, dict):
        return {k: (REDACTED if isinstance(k, str) and _SECRET_KEYS.search(k) else _scrub(v)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_scrub(v) for v in value)
    return value


def redact_secrets(_logger: Any, _name: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    return {k: (REDACTED if _SECRET_KEYS.search(k) else _scrub(v)) for k, v in event_dict.items()}


def configure(fmt: str = "console", level: str = "info") -> None:
    lvl = getattr(logging, level.upper())
    renderer: Any = structlog.processors.JSONRenderer() if fmt == "json" else structlog.dev.ConsoleRenderer(colors=False)
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            redact_secrets,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(lvl),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=False,
    )
    # DBOS logs through stdlib logging; keep it quieter than ours.
    logging.getLogger("dbos").setLevel(max(lvl, logging.WARNING))


def get_logger(**bound: Any) -> Any:
    # Lazy: a module-level logger must pick up the configuration made later at start-up.
    return structlog.get_logger("orderhub", **bound)
