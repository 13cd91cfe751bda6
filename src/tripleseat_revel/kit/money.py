"""Money as Decimal, to the cent (TripleSeat sends amounts as numeric strings, numbers or null)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def to_money(value: object) -> Decimal:
    """Parse a TripleSeat amount ("12.5", 12.5, "$1,200.00", None) into cents (half up)."""
    if value is None or value == "":
        return ZERO
    if isinstance(value, bool):
        raise ValueError(f"not an amount: {value!r}")
    text = str(value).strip().replace(",", "").replace("$", "")
    try:
        return Decimal(text).quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {value!r}") from exc


def to_decimal(value: object) -> Decimal:
    """Parse a quantity or rate without rounding it to the cent."""
    if value is None or value == "":
        return Decimal(0)
    if isinstance(value, bool):
        raise ValueError(f"not a number: {value!r}")
    try:
        return Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation as exc:
        raise ValueError(f"not a number: {value!r}") from exc


def cents(value: Decimal) -> Decimal:
    """Round half up to the cent."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def fmt(value: Decimal) -> str:
    """Render as a plain two-decimal string ("1234.50"), the form Revel bodies take."""
    return f"{cents(value):.2f}"
