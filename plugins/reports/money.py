"""Money in reports: integer counts of a currency's minor unit (ISO 4217, from the ``iso4217``
package, which follows the standard's published list), back to decimal strings at the end.

Sums of minor units are exact on every database; a ratio (the average order value) is rounded
half-even to the minor unit, as the issue's definitions ask.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from functools import cache
from typing import Any

import sqlalchemy as sa


@cache
def exponent(currency: str) -> int:
    """Digits after the decimal point of ``currency`` (USD 2, JPY 0, KWD 3); 0 for codes that have
    no minor unit (gold, special drawing rights)."""
    import iso4217

    try:
        found = iso4217.Currency(currency.upper()).exponent
    except ValueError:
        return 2  # a code the standard dropped: the common case
    return found or 0


@cache
def _unusual() -> dict[str, int]:
    """The ISO 4217 currencies whose minor unit is not a hundredth."""
    import iso4217

    return {c.code: c.exponent or 0 for c in iso4217.Currency if (c.exponent or 0) != 2}


def scale_sql(currency: Any) -> Any:
    """10 ** exponent of the currency in the SQL expression ``currency``."""
    return sa.case({code: 10 ** digits for code, digits in sorted(_unusual().items())}, value=currency, else_=100)


def minor_sql(amount: Any, scale: Any) -> Any:
    """A decimal string in JSON (``"12.34"``) as an integer of minor units, in SQL.

    SQLite reads the string as a double: for amounts under 10**13 minor units the nearest
    integer of amount × scale is still the exact count, which ``ROUND`` takes."""
    return sa.cast(sa.func.round(sa.cast(sa.func.coalesce(amount, "0"), sa.Numeric) * scale), sa.BigInteger)


def to_decimal(minor: int | None, currency: str) -> Decimal:
    return Decimal(minor or 0).scaleb(-exponent(currency))


def text(minor: int | None, currency: str) -> str:
    """Minor units as the decimal string reports print: ``1234`` USD → ``"12.34"``."""
    return str(to_decimal(minor, currency).quantize(Decimal(1).scaleb(-exponent(currency))))


def ratio(minor: int, count: int, currency: str) -> str:
    """``minor ÷ count`` in the currency, rounded half-even to its minor unit; "" when count is 0."""
    if not count:
        return ""
    unit = Decimal(1).scaleb(-exponent(currency))
    return str((to_decimal(minor, currency) / count).quantize(unit, rounding=ROUND_HALF_EVEN))
