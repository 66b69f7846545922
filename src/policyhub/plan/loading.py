"""Load the plan into the database: its units, tasks (计划/二, 三) and targets (targets.yaml).

Idempotent upserts keyed by clause id / target id, run after every migrate (and after a test
flush). Tasks take their units from the text (policytext parses each task's 牵头单位/责任单位);
the safeguards from safeguards.yaml. A name in the text with no Unit is an error, not a skip:
a task without its units would silently drop out of every unit page and reminder.
"""

from __future__ import annotations

from typing import Any

from django.db import connections, transaction

from policyhub import policytext
from policyhub.plan import data
from policyhub.plan.models import Target, Task
from policyhub.units.models import Unit
from policyhub.units.seed import rows as unit_rows


def ensure_units() -> None:
    """The seeded units (a flush empties them) and the plan's collective ones."""
    for row in unit_rows():
        Unit.objects.get_or_create(code=row["code"], defaults=row)
    for code, name in data.EXTRA_UNITS:
        Unit.objects.get_or_create(code=code, defaults={"name": name, "kind": "other"})


def units_named(names: tuple[str, ...], where: str) -> list[Unit]:
    found = {u.name: u for u in Unit.objects.filter(name__in=names)}
    missing = [n for n in names if n not in found]
    if missing:
        raise LookupError(f"{where}: no unit named {', '.join(missing)}")
    return [found[n] for n in names]


def units_coded(codes: tuple[str, ...], where: str) -> list[Unit]:
    found = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    missing = [c for c in codes if c not in found]
    if missing:
        raise LookupError(f"{where}: no unit with code {', '.join(missing)}")
    return [found[c] for c in codes]


def task_clauses() -> list[policytext.Clause]:
    """Every numbered task of 计划/二, in text order."""
    return [c for c in policytext.clauses().values() if c.kind == "task"]


def safeguard_clauses() -> list[policytext.Clause]:
    return policytext.children("计划/三")


def _task(clause_id: str, section: str, order: int, lead: list[Unit],
          responsible: list[Unit]) -> Task:
    heading = policytext.clause(clause_id).heading
    task, _ = Task.objects.update_or_create(
        clause=clause_id, defaults={"section": section, "heading": heading, "order": order})
    task.lead_units.set(lead)
    task.responsible_units.set(responsible)
    return task


def load_tasks() -> int:
    order = 0
    for order, c in enumerate(task_clauses(), start=1):
        _task(c.id, Task.Section.TASK, order, units_named(c.lead_units, c.id),
              units_named(c.responsible_units, c.id))
    for s in data.safeguards():
        order += 1
        _task(s.clause, Task.Section.SAFEGUARD, order, units_coded(s.lead, s.clause),
              units_coded(s.responsible, s.clause))
    return order


def _task_of(clause_id: str) -> Task | None:
    """The task whose text holds a sentence id such as 计划/二/(三)/3#2."""
    path = clause_id.partition("#")[0]
    return Task.objects.filter(clause=path, section=Task.Section.TASK).first()


def load_targets() -> int:
    plan = data.plan_data()
    leads = {u.code: u for u in Unit.objects.all()}
    for spec in plan.targets:
        if spec.lead_unit not in leads:
            raise LookupError(f"targets.yaml: {spec.id}: no unit with code {spec.lead_unit}")
        Target.objects.update_or_create(code=spec.id, defaults={
            "clause": spec.clause, "quote": spec.quote, "label": spec.label,
            "kind": spec.kind, "value": spec.value, "high": spec.high, "unit": spec.unit,
            "start": plan.start, "deadline": plan.deadline,
            "lead_unit": leads[spec.lead_unit], "lead_basis": spec.lead_basis,
            "task": _task_of(spec.clause), "indicator": spec.indicator or "",
            "derived": spec.derived, "order": spec.order, "strict": spec.strict})
    # A target dropped from the YAML goes only if nobody reported on it (reports are kept).
    Target.objects.exclude(code__in=[t.id for t in plan.targets]).filter(
        reports__isnull=True).delete()
    return len(plan.targets)


@transaction.atomic
def load_plan() -> tuple[int, int]:
    """(tasks, targets) loaded."""
    ensure_units()
    return load_tasks(), load_targets()


def on_post_migrate(sender: Any, **kwargs: Any) -> None:
    # Only when our tables exist: `migrate plan zero` also ends with this signal.
    using = kwargs.get("using", "default")
    if Target._meta.db_table not in connections[using].introspection.table_names():
        return
    load_plan()
