"""Every target and task of the plan is loaded, against the text itself."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from policyhub import policytext
from policyhub.plan import data, docs, indicators
from policyhub.plan.loading import task_clauses
from policyhub.plan.models import Target, Task
from policyhub.units.models import Unit

# A number with the unit it counts: 300亿元, 1—2家, 50万人次, 100%, 500种, 100台 …
QUANTITY = re.compile(r"\d+(?:—\d+)?\s*(?:亿元|万人次|人次|家|个|名|项|种|台|次|%)")
TARGETS = data.plan_data().targets


def quantified_clauses() -> list[policytext.Clause]:
    """The 目标 bullets of 计划/一 and the sentences of 计划/二's tasks."""
    return [c for c in policytext.clauses().values()
            if c.kind == "target" or (c.kind == "sentence" and c.id.startswith("计划/二/"))]


def test_it_covers_every_number_of_the_plan_with_a_target() -> None:
    missing = []
    for c in quantified_clauses():
        quotes = [t.quote for t in TARGETS if t.clause == c.id]
        for m in QUANTITY.finditer(c.text):
            if not any(m.group() in q for q in quotes):
                missing.append(f"{c.id}: {m.group()}")
    assert missing == []


def test_it_counts_the_quantities_of_the_text() -> None:
    numbers = sum(len(QUANTITY.findall(c.text)) for c in quantified_clauses())
    assert numbers == 28  # 16 in 计划/一, 12 in the tasks
    # Two of them are thresholds (过50亿元, 过10亿元): parameters the indicators count by.
    thresholds = data.plan_data().parameters
    assert len(thresholds) == 2
    assert all(p.quote in policytext.clause(p.reference).text for p in thresholds.values())
    derived = [t for t in TARGETS if t.derived]
    # + 主要党政办公应用系统迁移 (100%) + the yearly summit + the biennial contest
    assert len(TARGETS) == numbers - len(thresholds) + 1 + len(derived) == 29


@pytest.mark.parametrize("spec", TARGETS, ids=lambda t: t.id)
def test_it_quotes_the_clause_it_cites(spec: data.TargetSpec) -> None:
    assert spec.quote in policytext.clause(spec.clause).text
    policytext.clause(spec.lead_basis)


@pytest.mark.django_db
@pytest.mark.parametrize("spec", TARGETS, ids=lambda t: t.id)
def test_its_lead_unit_is_named_by_the_basis_clause(spec: data.TargetSpec) -> None:
    basis = policytext.clause(spec.lead_basis)
    name = Unit.objects.get(code=spec.lead_unit).name
    if spec.lead_reading:  # the basis names no unit: the reading says why this one leads
        assert spec.clause.startswith("计划/一") and name in spec.lead_reading
        return
    assert name in basis.lead_units + basis.responsible_units or name in basis.text


def test_high_tech_coverage_rests_on_the_clause_about_high_tech_enterprises() -> None:
    spec = next(t for t in TARGETS if t.id == "high-tech-coverage")
    assert "高新技术企业" in policytext.clause(spec.lead_basis).text


def test_only_chaoguo_and_dayu_targets_are_strict() -> None:
    strict = {t.id for t in TARGETS if t.strict}
    assert strict == {"office-terminals-replaced", "networked-demo-machines"}
    assert all(("超过" in t.quote or "大于" in t.quote) == t.strict for t in TARGETS)


@pytest.mark.django_db
def test_it_loads_every_target() -> None:
    assert Target.objects.count() == len(TARGETS)
    for t in Target.objects.all():
        policytext.clause(t.clause)
        assert (t.task is None) == t.clause.startswith("计划/一")


@pytest.mark.django_db
def test_it_loads_every_task_with_the_units_of_its_parenthesis() -> None:
    tasks = task_clauses()
    assert len(tasks) == 18
    assert Task.objects.filter(section=Task.Section.TASK).count() == len(tasks)
    for c in tasks:
        task = Task.objects.get(clause=c.id)
        assert {u.name for u in task.lead_units.all()} == set(c.lead_units)
        assert {u.name for u in task.responsible_units.all()} == set(c.responsible_units)


@pytest.mark.django_db
def test_it_loads_the_safeguards_with_their_parties() -> None:
    safeguards = Task.objects.filter(section=Task.Section.SAFEGUARD)
    assert [s.clause for s in safeguards] == [c.id for c in policytext.children("计划/三")]
    for spec in data.safeguards():
        assert spec.lead_quote in policytext.clause(spec.lead_basis).text
        assert all(name in policytext.clause(spec.responsible_basis).text
                   for name in spec.responsible_quote.split("、"))
    first = Task.objects.get(clause="计划/三/(一)")
    assert {u.code for u in first.responsible_units.all()} == {"miit"}


@pytest.mark.django_db
def test_it_adds_the_collective_units_the_text_names() -> None:
    for name in ("各园区管委会", "各区县(市)人民政府", "市直各部门"):
        assert Unit.objects.filter(name=name).exists()
    migration = Task.objects.get(clause="计划/二/(四)/2")
    assert {u.code for u in migration.responsible_units.all()} == {"all-districts",
                                                                   "city-departments"}


def test_every_named_indicator_is_registered_in_the_targets_unit() -> None:
    known = indicators.registered()
    for t in TARGETS:
        if t.indicator:
            assert t.indicator in known, t.id
            assert known[t.indicator].unit == t.unit, t.id


def test_the_docs_table_matches_the_yaml() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "plan.md").read_text("utf-8")
    assert docs.replace_table(doc) == doc, "run: .venv/bin/python -m policyhub.plan.docs"


@pytest.mark.django_db
def test_loading_again_changes_nothing() -> None:
    from policyhub.plan.loading import load_plan

    before = list(Target.objects.values_list("code", "value", "lead_unit__code"))
    assert load_plan() == (21, 29)
    assert list(Target.objects.values_list("code", "value", "lead_unit__code")) == before
    assert Task.objects.count() == 21
