"""History rows are append-only; applications know their labels and ledger key."""

from __future__ import annotations

import pytest

from policyhub.appendonly import AppendOnlyError
from policyhub.applications.models import Application
from tests.applications.helpers import draft, talent_person
from tests.personas import personas

pytestmark = pytest.mark.django_db


def test_history_rows_cannot_be_rewritten_or_deleted() -> None:
    p = personas()
    row = draft(p).history.get()
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()


def test_an_application_knows_its_department_labels_and_award_key() -> None:
    p = personas()
    app = draft(p)
    assert app.department.code == "miit" and app.park == p.org.park
    assert app.state_label == "草稿" and app.award_key == f"award-{app.pk}"
    assert app.reference == "政策/二/(七)#1" and app.ceiling


@pytest.mark.parametrize(("rule", "matter", "events", "unit"), [
    ("P8.ipo", "ipo", [{"type": "ipo_stage", "date": "2020-03-01", "stage": "tutoring_filed",
                        "matter": "ipo"}], "finance-office"),
    ("P5.urgent_talent", "t-1", [{"type": "urgent_talent", "date": "2020-03-01",
                                  "category": "A", "matter": "t-1"}], "hrss"),
    ("P10.prize", "c-1", [{"type": "competition_prize", "date": "2020-03-01", "rank": 1,
                           "settles_in_changsha": False, "matter": "c-1"}], "cac"),
])
def test_the_reviewing_department_comes_from_clauses_yaml(rule: str, matter: str,
                                                          events: list[dict[str, object]],
                                                          unit: str) -> None:
    p = personas()
    # R4: a talent's award goes to a person, not to the firm that employs them.
    who = talent_person(p) if rule.startswith("P5.") else p.org
    app: Application = draft(p, rule=rule, matter=matter, events=events, org=who)
    assert app.department.code == unit
