"""An amendment (a second dated value of parameters) is honoured by the kernel as by the engine:
each value is read at the event's date, earlier dates use the first period."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policyhub.engine import params
from policyhub.screen import Options, synth
from policyhub.screen import tables as screen_tables
from policyhub.screen.tables import tables
from tests.screen.oracle import ALL_OPTIONS, mismatches
from tests.screen.strategies import registry

D = dt.date
AMENDMENTS: list[tuple[str, dt.date, Any]] = [
    # steps out of order and a new lowest one: "highest" is the last listed step reached
    ("p4_enterprises.milestones", D(2020, 7, 1), [
        {"threshold": 20_000_000, "amount": 200_000}, {"threshold": 10_000_000, "amount": 150_000},
        {"threshold": 80_000_000, "amount": 900_000}, {"threshold": 100_000_000,
                                                       "amount": 1_200_000}]),
    ("p2_platforms.construction_rate", D(2021, 1, 1), "0.25"),
    ("p2_platforms.construction_cap", D(2021, 1, 1), 4_000_000),
    ("p2_platforms.service_fee_years", D(2020, 1, 1), 2),
    ("p2_platforms.service_fee_rate", D(2021, 3, 1), "0.9"),
    ("p6_standards.standard", D(2021, 1, 1), {"international": 400_000, "national": 100_000,
                                              "industry": 20_000}),
    ("p7_projects.project_threshold", D(2021, 1, 1), 40_000_000),
    ("p9_pk_demo.pk_demo_rate", D(2020, 6, 1), "0.333"),
    ("p5_talents.housing_area", D(2021, 1, 1), {"international_top": "150.5",
                                                "national_leader": 120,
                                                "provincial_municipal_leader": "90.25"}),
    ("p10_competition.prize", D(2020, 10, 1), {1: 1_200_000, 2: 600_000, 3: 300_000}),
    ("p3_cluster_parks.cluster_park_cap", D(2020, 1, 1), 12_000_000),
    ("p7_projects.major_project_cap", D(2021, 1, 1), 30_000_000),
]


@pytest.fixture
def amended(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    base = params.parameters()
    patched = dict(base)
    for name, start, value in AMENDMENTS:
        p = base[name]
        patched[name] = dataclasses.replace(
            p, starts=(*p.starts, start), values=(*p.values, params._to_decimal(value)))
    monkeypatch.setattr(params, "parameters", lambda directory=params.PARAMETER_DIR: patched)
    screen_tables.clear()
    yield
    screen_tables.clear()


@pytest.mark.parametrize("options", ALL_OPTIONS, ids=str)
def test_screen_amended_parameters_match_the_engine(amended: None, options: Options) -> None:
    assert len(tables().milestones.starts) == 2
    assert mismatches(synth.frame(1500, seed=7), options) == []


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(frame=registry(), options=st.sampled_from(ALL_OPTIONS))
def test_screen_amended_parameters_on_random_registries(amended: None, frame: Any,
                                                        options: Options) -> None:
    assert mismatches(frame, options) == []
