"""Rule cases under a scenario: tests/simulate/cases/*.yaml are rule cases
(docs/rule-tests.md) with a `scenario` at the top; each case is decided by the engine with
the scenario's parameters, and by the kernel too, which must give the same total."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from policyhub.engine.params import using
from policyhub.simulate.frames import frame_of
from policyhub.simulate.run import Simulation, yuan
from policyhub.simulate.scenario import Scenario, apply, parse
from tests.rules import test_rule_cases as rules

CASES_DIR = Path(__file__).parent / "cases"


def load(path: Path) -> tuple[Scenario, list[rules.Case]]:
    tree = yaml.safe_load(path.read_text(encoding="utf-8"))
    scenario = parse(tree.pop("scenario"))
    return scenario, _cases(tree, path.name)


def _cases(tree: dict[str, Any], name: str) -> list[rules.Case]:
    defaults = rules._plain(tree.get("defaults") or {}, f"{name}:defaults")
    return [rules.Case(name, str(raw["name"]),
                       rules._merge(defaults, rules._plain(raw["request"], name)),
                       rules._plain(raw["expect"], name)) for raw in tree["cases"]]


LOADED = [(scenario, case) for path in sorted(CASES_DIR.glob("*.yaml"))
          for scenario, cases in [load(path)] for case in cases]


def test_scenario_case_names_are_unique_sentences() -> None:
    names = [case.name for _s, case in LOADED]
    assert len(names) == len(set(names)) and len(names) >= 8
    assert all(len(n.split()) >= 6 for n in names)


@pytest.mark.parametrize(("scenario", "case"), [pytest.param(s, c, id=c.name)
                                                for s, c in LOADED])
def test_scenario_case(scenario: Scenario, case: rules.Case) -> None:
    with using(apply(scenario)):
        rules.check(case)
    # the kernel, given the scenario's tables, pays the same total
    as_of = dt.date.fromisoformat(case.request["as_of"])
    request = {**case.request, "applicant": {**case.request["applicant"], "id": "case"}}
    frame = frame_of([(request, {})])
    _base, scen = Simulation(scenario, as_of).decide(frame)
    assert f"{yuan(int(scen.total[0])):.2f}" == rules._expected_total(case.expect)
