"""Money: plain decimal strings or JSON numbers in, two-decimal strings rounded half-up out."""

from __future__ import annotations

from decimal import Decimal

import pytest

from policyhub.engine.money import MoneyError, fmt, parse_money, round_fen


@pytest.mark.parametrize(
    "raw, value",
    [
        ("1200000", Decimal("1200000")),
        ("10500.50", Decimal("10500.50")),
        ("0", Decimal("0")),
        ("0.01", Decimal("0.01")),
        ("007", Decimal("7")),
        (1200000, Decimal("1200000")),
        (Decimal("10500.5"), Decimal("10500.5")),
        (Decimal("1E+7"), Decimal("10000000")),  # a JSON number of any form (loads gives Decimal)
    ],
)
def test_it_reads_plain_decimals_and_numbers(raw: object, value: Decimal) -> None:
    assert parse_money(raw) == value


@pytest.mark.parametrize(
    "raw",
    [
        "1e7",
        "1E7",
        "-1",
        "+5",
        " 5",
        "5 ",
        "5.",
        "",
        "1,000",
        "１２",
        "NaN",
        "Infinity",
        "0x10",
        "1_000",
    ],
)
def test_it_refuses_strings_that_are_not_plain_decimals(raw: str) -> None:
    with pytest.raises(MoneyError):
        parse_money(raw)


@pytest.mark.parametrize(
    "raw",
    [
        -1,
        Decimal("-0.01"),
        Decimal("NaN"),
        Decimal("Infinity"),
        True,
        False,
        None,
        [],
        {},
    ],
)
def test_it_refuses_negative_non_finite_and_non_numeric_values(raw: object) -> None:
    with pytest.raises(MoneyError):
        parse_money(raw)


def test_a_float_from_a_caller_that_bypassed_loads_is_read_by_its_repr() -> None:
    assert parse_money(0.1) == Decimal("0.1")


@pytest.mark.parametrize(
    "amount, rounded",
    [
        ("0.005", "0.01"),
        ("0.015", "0.02"),
        ("0.025", "0.03"),  # half-even would give 0.02
        ("2.675", "2.68"),
        ("300000.045", "300000.05"),  # 30% of 1,000,000.15
        ("1851851.745", "1851851.75"),  # 150 m² × 12,345.6783
        ("0.0049999", "0.00"),
        ("4999999.995", "5000000.00"),
        ("4999999.994999", "4999999.99"),
        ("7", "7.00"),
    ],
)
def test_it_rounds_half_up_to_the_fen(amount: str, rounded: str) -> None:
    assert round_fen(Decimal(amount)) == Decimal(rounded)
    assert fmt(Decimal(amount)) == rounded


def test_fmt_always_gives_two_decimals() -> None:
    assert fmt(Decimal("1E+7")) == "10000000.00"
    assert fmt(Decimal("0")) == "0.00"
    assert fmt(Decimal("12.3")) == "12.30"
