"""Dated parameters (OpenFisca style): the value in force on a date, loaded from YAML."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from policyhub.engine import params
from policyhub.engine.params import ParameterError, load_file

TWO_PERIODS = """\
award:
  description: 一次性奖励
  reference: 政策/二/(六)#1
  unit: yuan
  values:
    2019-08-01: 100000
    2021-01-01: 150000
rate:
  description: 补助比例
  reference: 政策/二/(二)#1
  unit: rate
  values:
    2019-08-01: "0.30"
"""


def write(tmp_path: Path, text: str, name: str = "p6_demo.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def demo(tmp_path: Path) -> dict[str, params.Parameter]:
    return load_file(write(tmp_path, TWO_PERIODS))


def test_it_names_parameters_after_their_file(demo: dict[str, params.Parameter]) -> None:
    assert set(demo) == {"p6_demo.award", "p6_demo.rate"}
    award = demo["p6_demo.award"]
    assert (award.description, award.reference, award.unit) == (
        "一次性奖励",
        "政策/二/(六)#1",
        "yuan",
    )


@pytest.mark.parametrize(
    "day, value",
    [
        (dt.date(2019, 8, 1), Decimal(100000)),
        (dt.date(2020, 12, 31), Decimal(100000)),  # the day before the change
        (dt.date(2021, 1, 1), Decimal(150000)),  # the day of the change
        (dt.date(2030, 1, 1), Decimal(150000)),
    ],
)
def test_it_returns_the_value_in_force_on_each_side_of_a_change(
    demo: dict[str, params.Parameter], day: dt.date, value: Decimal
) -> None:
    assert demo["p6_demo.award"].at(day) == value


def test_before_the_first_start_there_is_no_value(demo: dict[str, params.Parameter]) -> None:
    with pytest.raises(ParameterError, match="2019-07-31"):
        demo["p6_demo.award"].at(dt.date(2019, 7, 31))


def test_values_are_decimals_never_floats(demo: dict[str, params.Parameter]) -> None:
    rate = demo["p6_demo.rate"].at(dt.date(2020, 1, 1))
    assert isinstance(rate, Decimal) and rate == Decimal("0.30")
    assert all(isinstance(v, Decimal) for _, v in demo["p6_demo.award"].periods())


def test_an_unquoted_float_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match="float"):
        load_file(write(tmp_path, TWO_PERIODS.replace('"0.30"', "0.30")))


def test_a_float_inside_a_table_is_refused(tmp_path: Path) -> None:
    text = TWO_PERIODS.replace("150000", "{A: 0.5, B: 1}")
    with pytest.raises(ParameterError, match="float"):
        load_file(write(tmp_path, text))


@pytest.mark.parametrize("key", ["description", "reference", "unit", "values"])
def test_a_parameter_without_one_of_its_keys_is_refused(tmp_path: Path, key: str) -> None:
    lines = [ln for ln in TWO_PERIODS.splitlines() if not ln.startswith(f"  {key}:")]
    if key == "values":
        lines = [ln for ln in lines if not ln.startswith("    ")]
    with pytest.raises(ParameterError, match=key):
        load_file(write(tmp_path, "\n".join(lines)))


def test_a_value_keyed_by_something_other_than_a_date_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match="date"):
        load_file(write(tmp_path, TWO_PERIODS.replace("2021-01-01", "from 2021")))


def test_a_directory_of_files_is_read_whole(tmp_path: Path) -> None:
    write(tmp_path, TWO_PERIODS, "p6_demo.yaml")
    write(tmp_path, TWO_PERIODS, "p2_other.yaml")
    found = params.parameters(tmp_path)
    assert set(found) == {"p6_demo.award", "p6_demo.rate", "p2_other.award", "p2_other.rate"}


def test_the_shipped_parameters_are_in_force_from_the_policies_first_day() -> None:
    start = params.value("policy.validity_start", dt.date(2019, 8, 1))
    assert start == dt.date(2019, 8, 1)
    for name, p in params.parameters().items():
        assert p.starts[0] <= start, name
        with pytest.raises(ParameterError):
            p.at(dt.date(2019, 7, 31))


def test_an_unknown_parameter_is_refused_naming_it() -> None:
    with pytest.raises(ParameterError, match=r"p9_pk_demo\.nope"):
        params.param("p9_pk_demo.nope")
