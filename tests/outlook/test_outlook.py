"""The fund outlook (policyhub.outlook): backtest on the demo's known history, the empty
registry, reproducibility, and the arithmetic on hand-built histories."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import numpy as np
import pytest
from django.core.management import call_command

from policyhub.outlook import decide, history, model, prepare
from policyhub.outlook.decide import Applicant
from policyhub.outlook.prepare import Firm, History, Template

FIRM = Applicant("enterprise")


def _history(**kw: object) -> History:
    base = dict(base_year=2019, years=(2020, 2021, 2022), budget=20_000_000_000, approved=0)
    return History(**{**base, **kw})  # type: ignore[arg-type]


@pytest.mark.django_db
def test_backtest_2020_2021_from_data_up_to_2019_falls_inside_the_band() -> None:
    call_command("load_demo", stdout=StringIO())
    h = history.load(dt.date(2019, 12, 31))
    assert h.years == (2020, 2021, 2022) and h.firms and h.templates
    outlook = model.simulate(prepare.prepare(h), paths=4000, seed=7)
    bands = outlook.quantiles(outlook.per_year())
    firms, events = history.actual((2020, 2021))
    real = prepare.realised(firms, events, (2020, 2021))
    for i, year in enumerate((2020, 2021)):
        assert real[i] > 0, year
        assert bands[5][i] <= real[i] <= bands[95][i], (year, real[i], bands[5][i], bands[95][i])


@pytest.mark.django_db
def test_an_empty_registry_projects_no_claim_and_no_depletion() -> None:
    outlook = model.simulate(prepare.prepare(history.load(dt.date(2019, 12, 31))), 500, 1)
    assert outlook.years == (2020, 2021, 2022)
    assert not outlook.claims.any()
    assert not outlook.depletion().any()
    assert outlook.remaining == 20_000_000_000


def test_the_same_seed_gives_the_same_paths_and_other_seeds_close_means() -> None:
    firms = [Firm(FIRM, {2017: 40_000_000_00 + i * 10_000_00, 2018: 60_000_000_00,
                         2019: 90_000_000_00 + i * 1_000_00}) for i in range(40)]
    event = {"type": "standard_led", "date": "2019-05-01", "level": "national"}
    h = _history(firms=firms, templates=[Template(FIRM, event, 1.0)] * 30)
    inputs = prepare.prepare(h)
    a, b = model.simulate(inputs, 3000, 11), model.simulate(inputs, 3000, 11)
    assert np.array_equal(a.claims, b.claims)
    c = model.simulate(inputs, 3000, 12)
    assert not np.array_equal(a.claims, c.claims)
    mean_a, mean_c = a.mean(a.per_year()), c.mean(c.per_year())
    assert np.all(np.abs(mean_a - mean_c) <= 0.05 * np.maximum(mean_a, 1))


def test_a_firm_growing_for_certain_claims_the_kernels_milestone_award_once() -> None:
    thresholds = decide.thresholds()
    first = int(thresholds[0])
    # Constant factor 2: 2019 is just below the first threshold, 2020 is above it.
    firm = Firm(FIRM, {2017: first // 8, 2018: first // 4, 2019: first // 2 + 1})
    inputs = prepare.prepare(_history(firms=[firm]))
    award = int(inputs.table[inputs.firm_class[0], 1, 0, 1])
    assert award > 0
    outlook = model.simulate(inputs, 200, 3)
    per_year = outlook.per_year()
    assert (per_year[:, 0] == 0).all() and (per_year[:, 1] == award).all()
    clause = outlook.clauses.index(decide.MILESTONE_CLAUSE)
    assert (outlook.claims[:, 1, clause] == award).all()


def test_the_fund_is_exhausted_when_claims_pass_what_is_left_by_one_fen() -> None:
    event = {"type": "standard_led", "date": "2019-05-01", "level": "national"}
    inputs = prepare.prepare(_history(templates=[Template(FIRM, event, 50.0)]))
    outlook = model.simulate(inputs, 300, 5)
    cumulative = outlook.cumulative()
    worth = int(inputs.values[0, 0].sum())
    assert worth > 0
    lowest = int(cumulative[:, 0].min())
    at_edge = model.Outlook(outlook.years, outlook.clauses, outlook.paths, 5, outlook.claims,
                            budget=lowest, approved=0)
    below = model.Outlook(outlook.years, outlook.clauses, outlook.paths, 5, outlook.claims,
                          budget=lowest - 1, approved=0)
    assert at_edge.depletion()[0] < 1.0 and below.depletion()[0] == 1.0


def test_firms_with_one_factor_draw_from_the_pool_and_give_the_same_award() -> None:
    first = int(decide.thresholds()[0])
    # One factor each (2018 -> 2019, both ×2): too few of their own, so both draw from the
    # pool {2, 2} — sampled year by year, not enumerated.
    firms = [Firm(FIRM, {2018: first // 4, 2019: first // 2 + 1}) for _ in range(2)]
    inputs = prepare.prepare(_history(firms=firms))
    assert not inputs.growth_count.any() and len(inputs.growth) == 2
    award = int(inputs.table[0, 1, 0, 1])
    outlook = model.simulate(inputs, 50, 9)
    assert (outlook.per_year()[:, 1] == 2 * award).all()


def test_an_event_of_29_february_recurs_on_1_march_of_a_common_year() -> None:
    leap = {"type": "competition_prize", "date": "2020-02-29", "rank": 1,
            "settles_in_changsha": True}
    march = {**leap, "date": "2021-03-01"}
    team = Applicant("team")
    as_of = dt.date(2022, 12, 31)
    moved = decide.event_values([(team, leap)], [2021], as_of)
    same = decide.granted([(team, [march])], as_of)
    assert int(moved.sum()) == int(same.fen.sum()) > 0


def test_dates_move_by_whole_years_as_the_engine_adds_years() -> None:
    import polars as pl

    days = pl.DataFrame({"date": ["2020-02-29", "2020-02-29", "2019-07-31"],
                         "n": [1, 4, 2]})
    moved = days.select(decide._shifted("date", pl.col("n")))["date"].to_list()
    assert moved == ["2021-03-01", "2024-02-29", "2021-07-31"]


@pytest.mark.django_db
def test_a_scenario_raising_the_milestone_awards_raises_their_projected_claims() -> None:
    from policyhub.simulate.scenario import load, parameters_for
    from tests.outlook import demo
    from tests.outlook.test_command import SCENARIO

    demo.load()
    h = history.load(dt.date(2019, 12, 31))
    law = model.simulate(prepare.prepare(h), 1000, 3)
    scenario = load(SCENARIO)
    h.options = scenario.options
    raised = model.simulate(prepare.prepare(h, parameters_for(scenario)), 1000, 3)
    clause = law.clauses.index(decide.MILESTONE_CLAUSE)
    before, after = law.mean(law.claims)[:, clause], raised.mean(raised.claims)[:, clause]
    assert before.sum() > 0 and (after >= before).all() and after.sum() > before.sum()
    # the law's tables are back in force after the scenario
    again = model.simulate(prepare.prepare(history.load(dt.date(2019, 12, 31))), 1000, 3)
    assert np.array_equal(again.claims, law.claims)
