"""The error tree. The hub decides what to do from the family, never from the text.

    OrderhubError                 every error orderhub raises on purpose; has a stable ``code``
    ├── ConfigError               bad credentials or settings: pause the store, alert a human
    ├── TransientError            worth retrying later: timeouts, 429, 5xx, a locked database
    ├── RecordError               this one record only: quarantine or hold it, go on with the rest
    │   └── IllegalTransition     a lifecycle move the transition table does not allow
    ├── CapabilityNotSupported    a connector was asked for something it cannot do
    └── SystemError_              a bug in orderhub or a plugin: fail loudly

Every error carries ``context`` (store, order, step, request, field …) so a log line or a
quarantine row can say where it happened.
"""

from __future__ import annotations

from typing import Any


class OrderhubError(Exception):
    """Base of every error orderhub raises on purpose."""

    code: str = "error"

    def __init__(self, message: str, *, code: str | None = None, **context: Any) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.context: dict[str, Any] = {k: v for k, v in context.items() if v is not None}

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> Any:
        # Errors cross process and DBOS step boundaries pickled; keep code, context and extras.
        return (_rebuild, (type(self), self.message, self.code, self.context, self._extra()))

    def _extra(self) -> dict[str, Any]:
        return {}

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "family": self.family, **self.context}

    @property
    def family(self) -> str:
        for cls in type(self).__mro__:
            if cls in _FAMILIES:
                return _FAMILIES[cls]
        return "system"


class ConfigError(OrderhubError):
    """Settings or credentials are wrong; retrying will not help."""

    code = "config"


class TransientError(OrderhubError):
    """Retry later; the same call may well succeed."""

    code = "transient"

    def __init__(self, message: str, *, retry_after: float | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after

    def _extra(self) -> dict[str, Any]:
        return {"retry_after": self.retry_after}


class RecordError(OrderhubError):
    """One record (an order, a row, a payload) is bad; the rest go on."""

    code = "record"


class IllegalTransition(RecordError):
    """The lifecycle table does not allow this move."""

    code = "illegal_transition"


class CapabilityNotSupported(OrderhubError):
    """A connector lacks the asked-for capability (for example pushing stock)."""

    code = "capability_not_supported"


class SystemError_(OrderhubError):  # noqa: N801 - avoids shadowing the builtin SystemError
    """A bug: something that should never happen did."""

    code = "system"


_FAMILIES: dict[type, str] = {
    ConfigError: "config",
    TransientError: "transient",
    RecordError: "record",
    CapabilityNotSupported: "config",
    SystemError_: "system",
}


def _rebuild(cls: type[OrderhubError], message: str, code: str, context: dict[str, Any],
             extra: dict[str, Any]) -> OrderhubError:
    err = cls.__new__(cls)
    OrderhubError.__init__(err, message, code=code, **context)
    for k, v in extra.items():
        setattr(err, k, v)
    return err


def family_of(exc: BaseException) -> str:
    """The family of any exception: unknown exceptions are bugs, hence ``system``."""
    if isinstance(exc, OrderhubError):
        return exc.family
    return "system"
