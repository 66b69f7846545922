"""After `load_demo`, every persona's 待办 (web/todo.py's queues) holds work (issue 14): each
role can walk its journey in `make run`'s demo without preparing anything first."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from policyhub.demo.applications import TODAY
from policyhub.web.todo import queues

pytestmark = pytest.mark.django_db


def counts(username: str) -> dict[str, int]:
    user = User.objects.get(username=username)
    return {q.title: q.count for q in queues(user, TODAY)}


def test_every_persona_finds_work_waiting_in_the_demo() -> None:
    call_command("load_demo", stdout=StringIO())
    applicant = counts("applicant")
    assert applicant["退回补正，待修改后重新提交"] >= 1
    assert applicant["免申即享建议，待确认"] >= 1
    assert applicant["公示中"] >= 1
    assert counts("park_officer")["待受理：本园区已提交的申报"] >= 2
    assert counts("department_reviewer")["待审核：本部门负责条款的已受理申报"] >= 1
    bureau = counts("bureau_officer")
    assert bureau["待复核：部门初审通过"] >= 1
    assert bureau["公示期满，可批准（截至2022-07-04）"] >= 1
    assert counts("finance_officer")["已批准，待拨付"] >= 1
    for login in ("applicant", "park_officer", "department_reviewer", "bureau_officer",
                  "finance_officer"):
        print(login, counts(login))


def test_the_applicants_returned_application_says_why() -> None:
    call_command("load_demo", stdout=StringIO())
    user = User.objects.get(username="applicant")
    returned = next(q for q in queues(user, TODAY) if q.title.startswith("退回补正"))
    for app in returned.applications:
        last = app.history.last()
        assert last is not None and last.name == "return" and last.reason
