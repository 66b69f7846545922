"""免申即享: screening proposes what nobody applied for; confirming enters at review."""

from __future__ import annotations

import datetime as dt

import pytest

from policyhub.applications import services
from policyhub.applications.errors import Refused
from policyhub.applications.models import Proposal
from policyhub.applications.screening import screen
from policyhub.registry.models import RegistryEvent
from tests.applications.helpers import DAY, draft
from tests.personas import Personas, personas

pytestmark = pytest.mark.django_db


def _standard(p: Personas, matter: str) -> None:
    RegistryEvent.objects.create(organisation=p.org, type="standard_led",
                                 date=dt.date(2020, 5, 10), matter=matter,
                                 payload={"level": "national"})


def test_it_proposes_granted_awards_nobody_applied_for_and_reruns_idempotently() -> None:
    p = personas()
    _standard(p, "std-1")
    _standard(p, "std-2")
    draft(p, rule="P6.standard", matter="std-2", events=[])  # already applied for
    first = screen(DAY)
    assert (first.created, first.already_known) == (1, 1)
    proposal = Proposal.objects.get()
    assert (proposal.rule, proposal.matter, str(proposal.amount)) == (
        "P6.standard", "std-1", "100000.00")
    again = screen(DAY)
    assert (again.created, again.already_known) == (0, 2)


def test_confirming_a_proposal_enters_the_workflow_at_department_review() -> None:
    p = personas()
    _standard(p, "std-1")
    screen(DAY)
    proposal = Proposal.objects.get()
    app = services.confirm_proposal(proposal, p.applicant, on=DAY)
    assert app.state == "accepted" and app.entitled_amount is not None
    assert [r.name for r in app.history.all()] == ["create", "confirm"]
    proposal.refresh_from_db()
    assert proposal.status == "confirmed" and proposal.application_id == app.pk
    app = services.transition(app, "review", p.reviewer, on=DAY)
    assert app.approved_amount == app.entitled_amount


def test_only_the_organisation_confirms_or_dismisses() -> None:
    p = personas()
    _standard(p, "std-1")
    screen(DAY)
    proposal = Proposal.objects.get()
    with pytest.raises(Refused) as refused:
        services.confirm_proposal(proposal, p.park_officer, on=DAY)
    assert refused.value.permission
    services.dismiss_proposal(proposal, p.applicant, reason="不需要")
    assert Proposal.objects.get().status == "dismissed"
