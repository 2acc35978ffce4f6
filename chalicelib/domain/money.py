"""Money is yuan with at most two decimals (fen): DESIGN, "Decisions since v1".

A JSON number arrives as a float; 0.07 is not exactly 7 fen in binary, so "at most two decimals"
means the shortest decimal that reads back as the same float (its `repr`) has no more than two.
"""
from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation

FEN = Decimal("0.01")


def is_whole_fen(value) -> bool:
    """True for a number of yuan with at most two decimals; anything that is not a number is
    left to the type check (True), so each problem is reported once."""
    kind = type(value)
    if kind is int or (kind is float and value.is_integer()):
        return True   # whole yuan: most amounts, checked first
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return True
    if isinstance(value, int) or (isinstance(value, float) and not math.isfinite(value)):
        return True   # NaN and infinity are not numbers in JSON: the type check says so
    try:
        exact = Decimal(repr(value)) if isinstance(value, float) else value
        return exact.is_finite() and exact == exact.quantize(FEN)
    except (InvalidOperation, ValueError, OverflowError):
        return False


def to_fen_decimal(value) -> Decimal:
    """A checked amount as a Decimal of yuan (for arithmetic and DynamoDB's N)."""
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
