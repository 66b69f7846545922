"""One test per role × transition: allowed exactly for the roles the table names; every
other role is refused with a reason that is shown and audited."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from policyhub.accounts.models import Role
from policyhub.applications import services, workflow
from policyhub.applications.errors import Refused
from policyhub.applications.permissions import NOT_YOURS, can_transition
from policyhub.audit.models import AuditEntry
from tests.applications.helpers import DAY, at_state
from tests.personas import Personas, organisation, personas, user

pytestmark = pytest.mark.django_db

# The persona holding each role (tests/personas.py), plus one holding none and an applicant
# user of another organisation (the objector).
PERSONA = {
    workflow.APPLICANT: "applicant", workflow.PARK_OFFICER: "park_officer",
    workflow.DEPARTMENT_REVIEWER: "reviewer", workflow.BUREAU_OFFICER: "bureau_officer",
    workflow.FINANCE_OFFICER: "finance", workflow.AUDITOR: "auditor",
    workflow.ADMINISTRATOR: "admin", "none": "outsider", workflow.OBJECTOR: "rival",
}
HUMAN_MOVES = [m for m in workflow.MOVES if workflow.SYSTEM not in m.roles]


def _expected(move: workflow.Move, role: str) -> bool:
    return role in move.roles


def rival() -> User:
    """An applicant user of another enterprise: may object during a notice, nothing else."""
    return user("rival", Role.APPLICANT, org=organisation("长沙某竞争企业有限公司"))


def persona(p: Personas, role: str) -> User:
    return rival() if role == workflow.OBJECTOR else getattr(p, PERSONA[role])


@pytest.mark.parametrize("role", list(PERSONA))
@pytest.mark.parametrize("move", HUMAN_MOVES, ids=lambda m: f"{m.name}-from-{m.source}")
def test_role_may_make_move_exactly_when_the_table_says_so(move: workflow.Move,
                                                            role: str) -> None:
    p = personas()
    app = at_state(p, move.source)
    actor = persona(p, role)
    allowed, reason = can_transition(actor, app, move.name)
    assert allowed is _expected(move, role)
    if allowed:
        return
    assert reason  # shown to the user …
    with pytest.raises(Refused) as refused:
        services.transition(app, move.name, actor, reason="理由", on=DAY)
    assert refused.value.permission and refused.value.reason == reason
    entry = AuditEntry.objects.filter(action=f"applications.{move.name}").last()
    assert entry is not None and entry.allowed is False and entry.reason == reason  # … audited
    app.refresh_from_db()
    assert app.state == move.source


@pytest.mark.parametrize("move", [m for m in workflow.MOVES if workflow.SYSTEM in m.roles],
                         ids=lambda m: f"{m.name}-from-{m.source}")
def test_nobody_makes_a_system_move_by_hand(move: workflow.Move) -> None:
    p = personas()
    app = at_state(p, move.source)
    for role in PERSONA:
        allowed, reason = can_transition(persona(p, role), app, move.name)
        assert not allowed
        assert "系统" in reason or (role in ("none", workflow.OBJECTOR)
                                    and reason == NOT_YOURS)


def test_a_reviewer_of_another_department_cannot_review() -> None:
    p = personas()
    app = at_state(p, "accepted")  # 二(七): reviewed by miit
    hrss = user("hrss_reviewer", Role.DEPARTMENT_REVIEWER, unit_code="hrss")
    allowed, reason = can_transition(hrss, app, "review")
    assert not allowed and reason == NOT_YOURS  # not its application: not even its state


def test_a_park_officer_of_another_park_cannot_accept() -> None:
    p = personas()
    app = at_state(p, "submitted")  # the organisation is in 长沙高新区
    other = user("ceda_officer", Role.PARK_OFFICER, unit_code="ceda")
    assert can_transition(other, app, "accept")[0] is False


def test_a_move_not_in_the_table_for_this_state_is_refused_with_the_state_named() -> None:
    p = personas()
    app = at_state(p, "draft")
    allowed, reason = can_transition(p.finance, app, "pay")
    assert not allowed and "草稿" in reason and "拨付" in reason


@pytest.mark.parametrize("state", [s.code for s in workflow.STATES if s.code != "notice"])
def test_a_refusal_never_tells_the_state_of_an_application_the_user_may_not_view(
        state: str) -> None:
    p = personas()
    app = at_state(p, state)
    for actor in (rival(), p.outsider):
        for name in workflow.MOVE_NAMES:
            allowed, reason = can_transition(actor, app, name)
            assert not allowed and reason == NOT_YOURS
            assert workflow.state(state).zh not in reason
