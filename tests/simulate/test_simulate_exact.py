"""Exactness of a simulation: a scenario equal to the law changes nobody's award by a fen;
raising a cap or an amount never lowers anyone's award; under a scenario the kernel decides
as the engine does."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import cache

import numpy as np
import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policyhub.engine.params import law, using
from policyhub.screen import Options, synth
from policyhub.screen.encode import encode
from policyhub.screen.kernel import decide
from policyhub.simulate.run import Simulation, simulate
from policyhub.simulate.scenario import Change, Scenario, apply
from tests.screen.oracle import mismatches

AS_OF = dt.date(2022, 12, 31)
# Every amount and cap a policy officer would raise, by parameter path.
RAISABLE = (
    "p4_enterprises.milestones[0].amount", "p4_enterprises.milestones[1].amount",
    "p4_enterprises.milestones[2].amount", "p4_enterprises.milestones[3].amount",
    "p4_enterprises.milestones[4].amount", "p4_enterprises.leading_firm_cap",
    "p5_talents.talent_reward.international_top", "p5_talents.talent_reward.national_leader",
    "p5_talents.urgent_talent.A", "p5_talents.civil_military_team",
    "p6_standards.standard.national",
    "p7_projects.project_cap", "p8_ipo.ipo_stage.listed", "p2_platforms.construction_cap",
    "p2_platforms.service_fee_cap", "p9_pk_demo.pk_demo_cap", "p10_competition.prize.1",
    "p10_competition.settlement.2",
)


def change(path: str, value: Decimal) -> Change:
    from policyhub.simulate.scenario import _split

    name, steps = _split(path, "test")
    return Change(name, steps, value, None)


def current(path: str) -> Decimal:
    c = change(path, Decimal(0))
    node = law()[c.parameter].values[0]
    for step in c.steps:
        node = node[step] if isinstance(step, int) else next(
            v for k, v in node.items() if str(k) == step)
    assert isinstance(node, Decimal)
    return node


@cache
def registry() -> pl.DataFrame:
    return synth.frame(2500, seed=11)


def totals(scenario: Scenario) -> tuple[np.ndarray, np.ndarray]:
    base, scen = Simulation(scenario, AS_OF).decide(registry())
    return base.total, scen.total


def test_a_scenario_equal_to_the_law_changes_no_applicant_by_a_fen() -> None:
    same = Scenario("与现行政策相同", "测试", AS_OF, "", tuple(
        change(p, current(p)) for p in RAISABLE))
    assert apply(same) is not law()  # a new set, decided through the scenario's tables
    base, scen = totals(same)
    assert len(base) == 2500 and base.sum() > 0
    assert np.array_equal(base, scen)
    report = simulate([registry()], same, AS_OF)
    assert report.gainers == report.losers == 0 and report.changed == []
    for dim in ("clause", "year", "district", "park"):
        for _key, cell in report.rows(dim):
            assert (cell.diff_fen, cell.scen_count - cell.base_count) == (0, 0)


def test_a_raised_amount_changes_the_report_by_the_sum_of_the_changes() -> None:
    up = Scenario("上台阶奖励提高", "测试", AS_OF, "", (
        change("p4_enterprises.milestones[0].amount", Decimal(150000)),))
    base, scen = totals(up)
    report = simulate([registry()], up, AS_OF)
    assert report.diff_fen == int((scen - base).sum()) > 0
    assert report.gainers == int((scen > base).sum()) and report.losers == 0
    assert sum(c.diff_fen for _k, c in report.rows("clause")) == report.diff_fen
    assert sum(c.diff_fen for _k, c in report.rows("year")) == report.diff_fen


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(paths=st.lists(st.sampled_from(RAISABLE), min_size=1, max_size=4, unique=True),
       raises=st.lists(st.integers(1, 300_000_000), min_size=4, max_size=4))
def test_raising_a_cap_or_an_amount_never_lowers_anyones_award(
        paths: list[str], raises: list[int]) -> None:
    scenario = Scenario("提高", "测试", AS_OF, "", tuple(
        change(p, current(p) + Decimal(fen).scaleb(-2)) for p, fen in zip(paths, raises,
                                                                            strict=False)))
    base, scen = totals(scenario)
    assert (scen >= base).all(), np.flatnonzero(scen < base)[:5]


def test_under_a_scenario_the_kernel_decides_as_the_engine() -> None:
    scenario = Scenario("混合方案", "测试", AS_OF, "", (
        change("p4_enterprises.milestones[1].threshold", Decimal("40000000.01")),
        change("p4_enterprises.milestones[2].amount", Decimal(1500000)),
        change("p7_projects.project_cap", Decimal("3000000.50")),
        change("p7_projects.project_rate", Decimal("0.125")),
        change("p2_platforms.service_fee_years", Decimal(2)),
        change("p5_talents.housing_area.national_leader", Decimal("120.5")),
        change("p10_competition.prize.1", Decimal(1500000)),
    ), milestone_jump="cumulative")
    with using(apply(scenario)):
        assert mismatches(synth.frame(600, seed=5), Options(AS_OF, "matter", "cumulative")) == []


def test_the_kernel_reads_the_law_outside_a_scenario() -> None:
    batch = encode(registry())
    before = decide(batch, Options(AS_OF)).total
    with using(apply(Scenario("x", "t", AS_OF, "", (
            change("p7_projects.project_cap", Decimal(1)),)))):
        inside = decide(batch, Options(AS_OF)).total
    after = decide(batch, Options(AS_OF)).total
    assert np.array_equal(before, after) and not np.array_equal(before, inside)
