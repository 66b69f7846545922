"""The indicator interface of docs/design.md: register, look up, discover."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest

from policyhub.plan import indicators
from policyhub.plan.indicators import Measure, SourceRef, indicator


@pytest.fixture
def clean_registry() -> Iterator[None]:
    saved = indicators.registered()
    yield
    indicators._REGISTRY.clear()
    indicators._REGISTRY.update(saved)


def test_it_registers_and_calls_an_indicator(clean_registry: None) -> None:
    @indicator("test.things", label="东西", unit="个")
    def things(as_of: dt.date) -> Measure:
        return Measure(Decimal(as_of.day), [SourceRef("一件", url="/x/")])

    ind = indicators.get("test.things")
    assert (ind.label, ind.unit) == ("东西", "个")
    assert ind(dt.date(2020, 1, 7)).value == 7


def test_it_refuses_two_functions_under_one_code(clean_registry: None) -> None:
    def one(as_of: dt.date) -> Measure:
        return Measure(Decimal(1))

    def two(as_of: dt.date) -> Measure:
        return Measure(Decimal(2))

    indicator("test.dup", label="a", unit="个")(one)
    indicator("test.dup", label="a", unit="个")(one)  # the same module imported twice: fine
    with pytest.raises(ValueError, match="already registered"):
        indicator("test.dup", label="b", unit="个")(two)


def test_it_refuses_a_float_value(clean_registry: None) -> None:
    indicator("test.float", label="a", unit="个")(lambda d: Measure(1.5))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="not Decimal"):
        indicators.get("test.float")(dt.date(2020, 1, 1))


def test_unknown_code_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match=r"registry\.enterprises"):
        indicators.get("nope")


def test_discover_imports_indicators_modules_and_skips_apps_without() -> None:
    found = indicators.discover(["policyhub.plan", "policyhub.units"])
    assert found == ["policyhub.plan.indicators"]
