"""Tables for people, JSON for scripts: every listing goes through :func:`emit`."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

import orjson
from rich.console import Console
from rich.table import Table

#: Messages are never wrapped: a redirected line stays one line for grep.
console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list):
        return ", ".join(str(_plain(v)) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={_plain(v)}" for k, v in value.items())
    return "" if value is None else str(value)


#: ISO 4217 currencies with no minor unit (exponent 0).
_NO_CENTS = frozenset("BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF".split())


def money(amount: Any, currency: str | None) -> str:
    """``123.4`` USD → ``123.40 USD``; ``1500`` JPY → ``1,500 JPY``."""
    try:
        value = Decimal(str(amount))
    except ArithmeticError:
        return f"{amount} {currency or ''}".strip()
    places = 0 if (currency or "").upper() in _NO_CENTS else 2
    return f"{value:,.{places}f} {currency or ''}".strip()


def print_json(data: Any) -> None:
    sys.stdout.write(orjson.dumps(data, default=str, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS).decode() + "\n")


def emit(rows: Sequence[dict[str, Any]], columns: Sequence[str], *, as_json: bool, title: str | None = None,
         total: int | None = None, offset: int = 0) -> None:
    """A table on a terminal; tab-separated columns with a header line when redirected (a pipe
    or a file gets every value whole, never a squeezed table); JSON for ``--json``. With ``total``,
    a line on stderr says which of how many are shown and how to get the next ones."""
    if as_json:
        print_json(list(rows))
    elif not console.is_terminal:
        sys.stdout.write("\t".join(columns) + "\n")
        for r in rows:
            sys.stdout.write("\t".join(_plain(r.get(c)).replace("\t", " ").replace("\n", " ") for c in columns) + "\n")
    else:
        _table(rows, columns, title)
    if not rows and not as_json:
        err_console.print("[dim]nothing to show[/dim]")
    if total is not None and not as_json:
        _page_note(len(rows), total, offset)


def _page_note(shown: int, total: int, offset: int) -> None:
    if shown == total:
        return
    if shown == 0:
        err_console.print(f"[dim]none from offset {offset}; {total} in all[/dim]")
    elif offset + shown < total:
        err_console.print(f"[dim]showing {offset + 1}–{offset + shown} of {total}; "
                          f"next: --offset {offset + shown}[/dim]")
    else:
        err_console.print(f"[dim]showing {offset + 1}–{offset + shown} of {total}[/dim]")


def _table(rows: Sequence[dict[str, Any]], columns: Sequence[str], title: str | None) -> None:
    table = Table(title=title, show_lines=False)
    for c in columns:
        table.add_column(c)
    for r in rows:
        table.add_row(*(_plain(r.get(c)) for c in columns))
    console.print(table)
