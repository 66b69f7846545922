"""Money: Decimal yuan in, two-decimal strings out, rounded half-up to the fen."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

FEN = Decimal("0.01")
# An amount of 10^18 yuan or more is not a fact of this world; refusing it keeps every product
# exact at the engine's 60-digit precision (docs/readings.md).
MAX_DIGITS = 18
MAX_AMOUNT = Decimal(10) ** MAX_DIGITS
# The contract's money strings are plain decimals: no sign, no exponent, no spaces.
PLAIN_DECIMAL = re.compile(r"\A[0-9]+(\.[0-9]+)?\Z")


class MoneyError(ValueError):
    pass


def parse_money(raw: object) -> Decimal:
    """A non-negative amount in yuan from a JSON string or number (never a float)."""
    if isinstance(raw, bool):
        raise MoneyError("must be an amount in yuan, not a boolean")
    if isinstance(raw, str):
        if not PLAIN_DECIMAL.match(raw):
            raise MoneyError(f'{raw!r} is not a plain decimal amount in yuan (e.g. "1200000")')
        value = Decimal(raw)
    elif isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, float):  # only when a caller bypassed engine.loads
        try:
            value = Decimal(repr(raw))
        except InvalidOperation as exc:  # pragma: no cover - repr of a float always parses
            raise MoneyError("is not a number") from exc
    else:
        raise MoneyError("must be an amount in yuan (a decimal string or a number)")
    if not value.is_finite():
        raise MoneyError("must be a finite amount")
    if value < 0:
        raise MoneyError(f"must not be negative (got {value})")
    if value >= MAX_AMOUNT:
        raise MoneyError(f"must be below 10^{MAX_DIGITS} yuan (got {value:.6E})")
    return value


def yuan(fen: int) -> Decimal:
    """Whole fen (the vectorised kernel's int64 money) as exact Decimal yuan."""
    return Decimal(int(fen)).scaleb(-2)


def round_fen(amount: Decimal) -> Decimal:
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def fmt(amount: Decimal) -> str:
    """The contract's form: exactly two decimals, rounded half-up."""
    return f"{round_fen(amount):.2f}"


def human(amount: Decimal) -> str:
    """Figures inside Chinese explanations: thousands separators, no needless decimals."""
    amount = round_fen(amount)
    if amount == amount.to_integral_value():
        return f"{int(amount):,}"
    return f"{amount:,.2f}"


def percent(rate: Decimal) -> str:
    """0.30 -> "30%" for explanations."""
    text = f"{rate * 100:f}"
    return (text.rstrip("0").rstrip(".") if "." in text else text) + "%"
