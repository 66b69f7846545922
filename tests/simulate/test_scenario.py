"""Scenarios as data: strict validation (one line naming the field, Chinese and English),
applied as a new immutable parameter set, the law's parameters never modified."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from pathlib import Path

import pytest

from policyhub.engine import params
from policyhub.engine.params import PARAMETER_DIR, law, load_file
from policyhub.screen.tables import tables
from policyhub.simulate.scenario import SCENARIO_DIR, ScenarioError, apply, load, loads

HEAD = "name: 测试方案\nauthor: 产业政策处\ndate: 2026-12-01\nnote: 测试\n"


def scenario_text(changes: str, options: str = "") -> str:
    return HEAD + options + "changes:\n" + changes


def refused(text: str) -> ScenarioError:
    with pytest.raises(ScenarioError) as err:
        loads(text)
    return err.value


@pytest.mark.parametrize(("changes", "field", "words"), [
    ("  - {parameter: \"p4_enterprises.no_such\", value: 1}\n", "changes[0].parameter",
     "未知参数"),
    ("  - {parameter: \"p4_enterprises.milestones[9].amount\", value: 1}\n",
     "changes[0].parameter", "参数中没有"),
    ("  - {parameter: \"p7_projects.project_cap\", value: \"-0.01\"}\n", "changes[0].value",
     "不能为负数"),
    ("  - {parameter: \"p7_projects.project_cap\", value: -1}\n", "changes[0].value",
     "must not be negative"),
    ("  - {parameter: \"p7_projects.project_cap\", value: \"1.005\"}\n", "changes[0].value",
     "两位小数"),
    ("  - {parameter: \"p7_projects.project_cap\", value: true}\n", "changes[0].value",
     "应为数值"),
    ("  - {parameter: \"p7_projects.project_rate\", value: 0.1}\n", "changes[0].value",
     "quote rates"),
    ("  - {parameter: \"p2_platforms.service_fee_years\", value: \"3\"}\n", "changes[0].value",
     "whole number of years"),
    ("  - {parameter: \"policy.validity_start\", value: 5}\n", "changes[0].value", "应为日期"),
    ("  - {parameter: \"p4_enterprises.milestones\", value: 5}\n", "changes[0].parameter",
     "单个数值"),
    ("  - {parameter: \"p4_enterprises.milestones[1].threshold\", value: 5000}\n",
     "p4_enterprises.milestones", "门槛须逐级递增"),
    ("  - {parameter: \"p7_projects.project_cap\", valu: 1}\n", "changes[0].valu", "未知字段"),
])
def test_a_bad_change_is_refused_naming_its_field(changes: str, field: str, words: str) -> None:
    err = refused(scenario_text(changes))
    assert err.field == field
    assert words in str(err)
    assert "\n" not in str(err) and "场景文件错误" in str(err) and "scenario error" in str(err)


def test_a_bad_option_or_header_is_refused_naming_its_field() -> None:
    assert refused(scenario_text("  []\n", "options: {milestone_jump: all}\n")).field == \
        "options.milestone_jump"
    assert refused(scenario_text("  []\n", "options: {dedup: matter}\n")).field == "options.dedup"
    assert refused("author: x\ndate: 2026-12-01\nchanges: []\n").field == "name"
    assert refused(HEAD.replace("2026-12-01", "soon") + "changes: []\n").field == "date"
    assert refused(HEAD + "colour: red\n").field == "colour"


def test_the_example_scenarios_load() -> None:
    found = sorted(SCENARIO_DIR.glob("*.yaml"))
    assert len(found) >= 2
    for path in found:
        assert load(path).name


def test_applying_changes_a_new_set_and_never_the_law() -> None:
    files = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in PARAMETER_DIR.glob("*.yaml")}
    before = {name: (p.starts, repr(p.values)) for name, p in law().items()}
    scenario = loads(scenario_text(
        "  - {parameter: \"p4_enterprises.milestones[0].amount\", value: 150000}\n"
        "  - {parameter: \"p5_talents.talent_reward.national_leader\", value: 1600000}\n"
        "  - {parameter: \"p7_projects.project_cap\", value: 3000000, from: 2021-01-01}\n"))
    changed = apply(scenario)
    assert changed["p4_enterprises.milestones"].values[0][0]["amount"] == Decimal(150000)
    assert changed["p5_talents.talent_reward"].values[0]["national_leader"] == Decimal(1600000)
    cap = changed["p7_projects.project_cap"]
    assert cap.at(dt.date(2020, 12, 31)) == Decimal(5000000)
    assert cap.at(dt.date(2021, 1, 1)) == Decimal(3000000)
    # the law: the same objects, the same values, the same files on disk
    assert {name: (p.starts, repr(p.values)) for name, p in law().items()} == before
    assert law()["p4_enterprises.milestones"].values[0][0]["amount"] == Decimal(100000)
    fresh = {n: p for path in sorted(PARAMETER_DIR.glob("*.yaml"))
             for n, p in load_file(path).items()}
    assert {n: repr(p.values) for n, p in fresh.items()} == \
        {n: repr(p.values) for n, p in params.parameters().items()}
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in PARAMETER_DIR.glob("*.yaml")} == files
    # the kernel's tables follow the set asked for
    assert int(tables(changed).milestones.amount[0, 0]) == 15_000_000
    assert int(tables().milestones.amount[0, 0]) == 10_000_000


def test_a_parameter_set_cannot_be_changed_in_place() -> None:
    changed = apply(loads(scenario_text(
        "  - {parameter: \"p4_enterprises.milestones[0].amount\", value: 150000}\n")))
    step = changed["p4_enterprises.milestones"].values[0][0]
    with pytest.raises(TypeError):
        step["amount"] = Decimal(1)  # type: ignore[index]
    with pytest.raises(TypeError):
        changed._by_name["p7_projects.project_cap"] = law()["p7_projects.project_cap"]  # type: ignore[index]


def test_a_scenario_file_that_cannot_be_read_names_itself(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [unclosed\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="YAML"):
        load(bad)
    with pytest.raises(ScenarioError, match=r"none\.yaml"):
        load(tmp_path / "none.yaml")
