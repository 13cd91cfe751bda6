"""Money as Decimal to the cent: TripleSeat's strings, numbers and nulls; Revel's two-decimal strings."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tripleseat_revel.kit.money import CENT, ZERO, cents, fmt, to_decimal, to_money


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1800.0", "1800.00"),
        ("203.18", "203.18"),
        (1800, "1800.00"),
        (12.5, "12.50"),
        ("12.345", "12.35"),
        ("12.344", "12.34"),
        ("30.625", "30.63"),
        ("-0.005", "-0.01"),
        ("$1,200.00", "1200.00"),
        ("  45 ", "45.00"),
        ("1e2", "100.00"),
        (Decimal("0.125"), "0.13"),
        (0.1 + 0.2, "0.30"),
        # A float is read through its shortest repr ("2.675"), not its binary value (2.67499...).
        (2.675, "2.68"),
        (None, "0.00"),
        ("", "0.00"),
    ],
    ids=repr,
)
def test_to_money(value: object, expected: str) -> None:
    assert to_money(value) == Decimal(expected)


def test_to_money_always_has_cents() -> None:
    assert to_money("1800").as_tuple().exponent == -2


@pytest.mark.parametrize("value", [True, False, "abc", "12,5.3.1", "Infinity", "sNaN", [1]], ids=repr)
def test_to_money_refuses_non_amounts(value: object) -> None:
    with pytest.raises(ValueError, match="not an amount"):
        to_money(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2.5", "2.5"),
        ("10.0", "10.0"),
        (3, "3"),
        (0.333, "0.333"),
        ("1,000", "1000"),
        (" 7 ", "7"),
        (None, "0"),
        ("", "0"),
    ],
    ids=repr,
)
def test_to_decimal_keeps_precision(value: object, expected: str) -> None:
    assert to_decimal(value) == Decimal(expected)


def test_to_decimal_does_not_round_to_cents() -> None:
    assert to_decimal("33.333").as_tuple().exponent == -3


@pytest.mark.parametrize("value", [True, "two", "1.2.3"], ids=repr)
def test_to_decimal_refuses_non_numbers(value: object) -> None:
    with pytest.raises(ValueError, match="not a number"):
        to_decimal(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0.125", "0.13"), ("0.124", "0.12"), ("-0.125", "-0.13"), ("203.175", "203.18"), ("5", "5.00")],
)
def test_cents_rounds_half_up(value: str, expected: str) -> None:
    assert cents(Decimal(value)) == Decimal(expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1234.5", "1234.50"), ("0", "0.00"), ("1E+3", "1000.00"), ("2525.175", "2525.18"), ("-15", "-15.00")],
)
def test_fmt_is_a_plain_two_decimal_string(value: str, expected: str) -> None:
    assert fmt(Decimal(value)) == expected


def test_constants() -> None:
    assert (CENT, ZERO, str(ZERO)) == (Decimal("0.01"), Decimal(0), "0.00")
