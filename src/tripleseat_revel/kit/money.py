"""Money as Decimal, to the cent (TripleSeat sends amounts as numeric strings, numbers or null)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

# An order's money, in the order it is shown everywhere (plans, drift, emails, dashboard, CLI):
# (field, label). `remaining_due` is derived (final total - paid); the others are planned.
TOTALS: tuple[tuple[str, str], ...] = (
    ("subtotal", "Subtotal"),
    ("discount", "Discount"),
    ("service_charge", "Service charge"),
    ("gratuity", "Gratuity"),
    ("tax", "Tax"),
    ("final_total", "Total"),
    ("paid", "Paid"),
    ("remaining_due", "Due"),
)
TOTALS_FIELDS = tuple(name for name, _ in TOTALS if name != "remaining_due")


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


def money_text(value: object) -> str:
    """For people: '1234.5' -> '1,234.50'; blank when there is no amount (emails, dashboard)."""
    if value is None or value == "":
        return ""
    try:
        return f"{Decimal(str(value)):,.2f}"
    except InvalidOperation:
        return str(value)


def quantity_text(value: object) -> str:
    """For people: '40.0' -> '40', '2.50' -> '2.5' (emails, dashboard)."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return f"{number:,.0f}" if number == number.to_integral_value() else f"{number.normalize():,}"
