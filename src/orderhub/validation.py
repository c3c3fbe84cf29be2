"""Pydantic errors said the way an operator reads them: the dotted key, what is wrong, the value.

One wording for every model orderhub validates (the config, a connector's settings, a step's
options, an incoming order): a typo'd key is named with the key it probably meant, a null is
"missing", and a bad value is shown beside the message.
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ValidationError

_MISSING_TYPES = {"missing"}
#: Types whose message for a null input reads wrong ("Input should be a valid string").
_TYPE_ERRORS = {"string_type", "int_type", "float_type", "decimal_type", "bool_type", "dict_type", "list_type",
                "model_type", "date_type", "datetime_type", "int_parsing", "float_parsing", "decimal_parsing"}


def describe(exc: ValidationError, *, model: type[BaseModel] | None = None, prefix: str = "",
             also_known: Iterable[str] = ()) -> list[str]:
    """One line per problem: ``key: message``. ``model`` (the validated class) lets an unknown key
    be matched to the key it probably meant; ``also_known`` adds keys valid beside the model's."""
    lines = []
    for err in exc.errors():
        loc = [p for p in err["loc"] if not str(p).startswith("function-")]
        key = ".".join([prefix] * bool(prefix) + [str(p) for p in loc]) or "(top level)"
        lines.append(f"{key}: {_message(err, loc, model, set(also_known))}")
    return lines


def first_problem(exc: ValidationError, *, model: type[BaseModel] | None = None,
                  also_known: Iterable[str] = ()) -> tuple[str, str]:
    """The dotted key and the message of the first problem, with a count of the others."""
    err = exc.errors()[0]
    loc = [p for p in err["loc"] if not str(p).startswith("function-")]
    msg = _message(err, loc, model, set(also_known))
    if exc.error_count() > 1:
        msg += f" (+{exc.error_count() - 1} more)"
    return ".".join(str(p) for p in loc), msg


def _message(err: Any, loc: list[Any], model: type[BaseModel] | None, also_known: set[str]) -> str:
    kind = err["type"]
    value = err.get("input")
    if kind in _MISSING_TYPES:
        hint = _typo_of(loc[-1] if loc else "", err.get("input"))
        return "missing" + (f" (is {hint!r} a typo of it?)" if hint else "")
    if value is None and kind in _TYPE_ERRORS:
        return "missing (null)"
    if kind == "extra_forbidden":
        known = _fields_at(model, loc[:-1]) | also_known if model is not None else also_known
        close = difflib.get_close_matches(str(loc[-1]), sorted(known), n=1, cutoff=0.6)
        return "unknown key" + (f" (did you mean {close[0]!r}?)" if close else "")
    msg = str(err["msg"]).removeprefix("Value error, ")
    if isinstance(value, str | int | float):
        shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "…"
        if shown not in msg:
            msg += f" (got {shown})"
    return msg


def _typo_of(name: Any, parent_input: Any) -> str | None:
    """The key in the table that a missing key was probably written as (``conector``)."""
    if not isinstance(parent_input, dict):
        return None
    close = difflib.get_close_matches(str(name), [str(k) for k in parent_input], n=1, cutoff=0.75)
    return close[0] if close and close[0] != name else None


def _fields_at(model: type[BaseModel] | None, loc: list[Any]) -> set[str]:
    """The field names of the model found by walking ``loc`` down from ``model``."""
    current: Any = model
    for part in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(str(part))
            current = field.annotation if field is not None else None
        elif typing.get_origin(current) in (dict, list, tuple):
            args = typing.get_args(current)
            current = args[-1] if args else None
        else:
            return set()
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return {n for n, f in current.model_fields.items() if not f.exclude}
    return set()


def _unwrap(annotation: Any) -> Any:
    """``X | None`` → ``X``; a container of models stays a container."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else annotation
    return annotation


M = typing.TypeVar("M", bound=BaseModel)


def parse_settings(model: type[M], data: Any, *, key: str, also_known: Iterable[str] = (), **context: Any) -> M:
    """Validate one config table (a connector's settings, a step's options, a plugin's table)
    into ``model``; a ConfigError lists every problem, one line each, under ``key``."""
    from orderhub.errors import ConfigError

    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = describe(exc, model=model, prefix=key, also_known=also_known)
        raise ConfigError("\n".join(problems), key=key, **context) from None
