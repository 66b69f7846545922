"""REST endpoints of applications, mounted under /api/v1/applications/ by policyhub.config.api.

Thin callers of services and permissions: every list is filtered by `permissions.visible`,
every move goes through `services.transition`, and a refusal comes back with its reason
(404 — exactly as for an unknown id — for an application, applicant or proposal the user may
not view, so a refusal never tells that it exists; 403 when the actor may not act at all,
422 when the move breaks a workflow rule — a duplicate names the existing application —,
409 when concurrent requests on the same applicant kept it from completing after the
service's retries: try again).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, Query, Router, Schema
from ninja.responses import Status
from ninja.security import django_auth

from policyhub.applications import permissions, services, workflow
from policyhub.applications.errors import Refused
from policyhub.applications.models import (
    Applicant,
    Application,
    CommitteeDecision,
    Proposal,
    TransitionRecord,
)
from policyhub.registry import permissions as registry_permissions
from policyhub.registry.facts import applicant_id
from policyhub.registry.models import Organisation, Person, Team
from policyhub.web.refusals import hidden

router = Router(auth=django_auth, tags=["applications"])

MAX_PAGE_SIZE = 100
# Declared in the schema (so the fuzzer tries its bounds): a page beyond it is a 422 naming the
# parameter, never an offset the database cannot hold; one past the end is the last page.
MAX_PAGE = 1_000_000
# What a row shows of its applicant, whatever its kind, in one query.
RELATED = ("organisation", "person__organisation", "team__leader__organisation", "park",
           "department")


class RefusalOut(Schema):
    detail: str


# Every move and create may be refused: 403 (not yours), 409 (busy, try again), 422 (a rule).
# 404 also for an object the user may not view (docs/security.md), as for an unknown id.
REFUSALS = {403: RefusalOut, 404: RefusalOut, 409: RefusalOut, 422: RefusalOut}


class HistoryOut(Schema):
    name: str
    source: str
    target: str
    actor: str | None
    role: str
    reason: str
    amount: Decimal | None
    at: dt.datetime


class ApplicationOut(Schema):
    id: int
    applicant: str  # the applicant's name, whatever its kind
    applicant_kind: str  # organisation, person or team
    applicant_id: str  # O-<pk>, P-<pk>, T-<pk> (registry.facts.applicant_id)
    organisation: str | None  # the applicant's organisation (a person's employer …)
    rule: str
    clause: str
    matter: str
    state: str
    state_label: str
    public_label: str
    requested_amount: Decimal | None
    entitled_amount: Decimal | None
    approved_amount: Decimal | None
    ceiling: bool
    discretionary: bool
    cap: Decimal | None
    explanation: str
    decided_as_of: dt.date | None
    park: str | None
    department: str
    notice_ends_on: dt.date | None


class CommitteeDecisionOut(Schema):
    id: int
    meeting_ref: str
    meeting_date: dt.date
    amount: Decimal
    members: list[str]
    minutes: str | None  # where to download the minutes (permission-checked), if uploaded
    recorded_by: str
    recorded_at: dt.datetime


class ApplicationDetail(ApplicationOut):
    history: list[HistoryOut]
    decision: dict[str, Any]
    committee_decisions: list[CommitteeDecisionOut]


class Page(Schema):
    count: int
    page: int
    page_size: int
    items: list[ApplicationOut]


class ApplicationIn(Schema):
    """Exactly one of organisation_id, person_id, team_id: who applies."""

    organisation_id: int | None = None
    person_id: int | None = None
    team_id: int | None = None
    rule: str
    matter: str
    events: list[dict[str, Any]] = Field(default_factory=list)
    requested_amount: Decimal | None = None


class CommitteeDecisionIn(Schema):
    """一事一议: the meeting's decision (the minutes file is uploaded on the web page)."""

    meeting_ref: str
    meeting_date: dt.date
    amount: Decimal
    members: list[str]


class TransitionIn(Schema):
    transition: str
    reason: str | None = None
    amount: Decimal | None = None


class ProposalOut(Schema):
    id: int
    applicant: str
    applicant_kind: str
    organisation: str | None
    rule: str
    clause: str
    matter: str
    amount: Decimal
    ceiling: bool
    explanation: str
    status: str
    application_id: int | None


def _user(request: HttpRequest) -> AbstractBaseUser | AnonymousUser:
    return request.user


def _applicant(record: Application | Proposal) -> dict[str, Any]:
    owner = record.owning_organisation
    return {"applicant": record.applicant_name, "applicant_kind": record.applicant_kind,
            "organisation": owner.name if owner is not None else None}


def _out(app: Application) -> dict[str, Any]:
    state = workflow.state(app.state)
    return {
        "id": app.pk, **_applicant(app), "applicant_id": applicant_id(app.applicant),
        "rule": app.rule,
        "clause": app.clause, "matter": app.matter, "state": app.state,
        "state_label": state.zh, "public_label": state.public,
        "requested_amount": app.requested_amount, "entitled_amount": app.entitled_amount,
        "approved_amount": app.approved_amount, "ceiling": app.ceiling,
        "discretionary": app.discretionary, "cap": app.cap, "explanation": app.explanation,
        "decided_as_of": app.decided_as_of, "park": app.park.code if app.park else None,
        "department": app.department.code, "notice_ends_on": app.notice_ends_on,
    }


def _history(row: TransitionRecord) -> dict[str, Any]:
    return {"name": row.name, "source": row.source, "target": row.target,
            "actor": row.actor.get_username() if row.actor else None, "role": row.role,
            "reason": row.reason, "amount": row.amount, "at": row.at}


def _decision(d: CommitteeDecision) -> dict[str, Any]:
    return {"id": d.pk, "meeting_ref": d.meeting_ref, "meeting_date": d.meeting_date,
            "amount": d.amount, "members": list(d.members),
            "minutes": (reverse("applications:minutes", args=[d.application_id, d.pk])
                        if d.minutes else None),
            "recorded_by": d.recorded_by.get_username(), "recorded_at": d.recorded_at}


def _detail(app: Application) -> dict[str, Any]:
    return {**_out(app), "history": [_history(r) for r in app.history.select_related("actor")],
            "decision": app.decision,
            "committee_decisions": [_decision(d) for d in
                                    app.committee_decisions.select_related("recorded_by")]}


def _refusal(exc: Refused) -> Status[Any]:
    return Status(exc.status, {"detail": exc.reason})


@router.get("/", response=Page, summary="Applications the user may see")
def list_applications(request: HttpRequest, state: str | None = None,
                      clause: str | None = None, park: str | None = None,
                      page: int = Query(1, ge=1, le=MAX_PAGE,  # type: ignore[type-arg]
                                        description="1 … MAX_PAGE; past the end: the last page"),
                      page_size: int = Query(20, ge=1, le=MAX_PAGE_SIZE)  # type: ignore[type-arg]
                      ) -> dict[str, Any]:
    # The decision snapshot and facts are kilobytes per row; the list does not return them.
    qs = (permissions.visible(_user(request)).select_related(*RELATED)
          .defer("decision", "events"))
    if state:
        qs = qs.filter(state=state)
    if clause:
        qs = qs.filter(clause=clause)
    if park:
        qs = qs.filter(park__code=park)
    size = max(1, min(page_size, MAX_PAGE_SIZE))
    count = qs.count()
    # A page past the end is the last page (as on the web pages): ?page=9223372036854775807
    # must not reach the database as an offset it cannot hold.
    page = min(max(1, page), max(1, -(-count // size)))
    items = qs[(page - 1) * size: page * size]
    return {"count": count, "page": page, "page_size": size,
            "items": [_out(a) for a in items]}


@router.post("/", response={201: ApplicationDetail, **REFUSALS},
             summary="Apply (as the applicant, or its park committee on its behalf)")
def create_application(request: HttpRequest, body: ApplicationIn) -> Status[Any]:
    given = [pk for pk in (body.organisation_id, body.person_id, body.team_id)
             if pk is not None]
    if len(given) != 1:
        return Status(422, {"detail": "须且只能指定一个申报主体：organisation_id、person_id "
                                      "或 team_id"})
    applicant: Applicant
    if body.organisation_id is not None:
        applicant = get_object_or_404(Organisation, pk=body.organisation_id)
    elif body.person_id is not None:
        applicant = get_object_or_404(Person, pk=body.person_id)
    else:
        applicant = get_object_or_404(Team, pk=body.team_id)
    seen, why = registry_permissions.can_view(_user(request), applicant)
    if not seen:  # someone else's, outside the user's view: as if there were none
        hidden(_user(request), why, action="applications.apply", obj=applicant)
    try:
        app = services.apply(applicant, body.rule, body.matter, _user(request), events=body.events,
                             requested_amount=body.requested_amount)
    except Refused as exc:
        return _refusal(exc)
    return Status(201, _detail(app))


@router.get("/proposals", response=list[ProposalOut], summary="免申即享 proposals")
def list_proposals(request: HttpRequest, status: str = "open") -> list[dict[str, Any]]:
    qs = permissions.visible_proposals(_user(request)).filter(status=status).select_related(
        "organisation", "person__organisation", "team__leader__organisation")
    return [_proposal(p) for p in qs]


def _proposal(p: Proposal) -> dict[str, Any]:
    return {"id": p.pk, **_applicant(p), "rule": p.rule,
            "clause": p.clause, "matter": p.matter, "amount": p.amount, "ceiling": p.ceiling,
            "explanation": p.explanation, "status": p.status,
            "application_id": p.application_id}


@router.post("/proposals/{int:proposal_id}/confirm",
             response={200: ApplicationDetail, 201: ApplicationDetail, **REFUSALS},
             summary="Confirm a proposal: it enters the workflow at department review "
                     "(201; 200 with the same application when it was already confirmed)")
def confirm_proposal(request: HttpRequest, proposal_id: int) -> Status[Any]:
    proposal = _proposal_in_view(request, proposal_id)
    try:
        app, created = services.confirm(proposal, _user(request))
    except Refused as exc:
        return _refusal(exc)
    return Status(201 if created else 200, _detail(app))


@router.post("/proposals/{int:proposal_id}/dismiss",
             response={200: ProposalOut, **REFUSALS})
def dismiss_proposal(request: HttpRequest, proposal_id: int) -> Status[Any]:
    proposal = _proposal_in_view(request, proposal_id)
    try:
        services.dismiss_proposal(proposal, _user(request))
    except Refused as exc:
        return _refusal(exc)
    return Status(200, _proposal(proposal))


def _proposal_in_view(request: HttpRequest, pk: int) -> Proposal:
    """The proposal; another's is a 404 like an unknown one (the refusal audited)."""
    proposal = get_object_or_404(Proposal, pk=pk)
    if permissions.visible_proposal(_user(request), pk) is None:
        hidden(_user(request), permissions.PROPOSAL_NOT_YOURS,
               action="applications.proposal.view", obj=proposal)
    return proposal


def _visible_or_refusal(request: HttpRequest, app_id: int
                        ) -> tuple[Application | None, Status[Any] | None]:
    """The application, or a 404 like an unknown id when the user may not view it
    (web.refusals.hidden: audited, its existence not told)."""
    app = get_object_or_404(Application.objects.select_related(*RELATED), pk=app_id)
    allowed, why = permissions.can_view(_user(request), app)
    if allowed:
        return app, None
    hidden(_user(request), why, action="applications.view", obj=app)


@router.get("/{int:app_id}", response={200: ApplicationDetail, 404: RefusalOut},
            summary="One application with its history and the engine's latest decision")
def application_detail(request: HttpRequest, app_id: int) -> Status[Any]:
    app, refusal = _visible_or_refusal(request, app_id)
    if refusal is not None or app is None:
        return refusal or Status(403, {"detail": ""})
    return Status(200, _detail(app))


@router.post("/{int:app_id}/transitions",
             response={200: ApplicationDetail, **REFUSALS},
             summary="Make a workflow move (workflow.py / docs/workflow.md)")
def make_transition(request: HttpRequest, app_id: int, body: TransitionIn) -> Status[Any]:
    app, _ = _visible_or_refusal(request, app_id)
    assert app is not None
    try:
        moved = services.transition(app, body.transition, _user(request), reason=body.reason,
                                    amount=body.amount)
    except Refused as exc:
        return _refusal(exc)
    return Status(200, _detail(moved))


@router.post("/{int:app_id}/committee-decisions",
             response={201: CommitteeDecisionOut, **REFUSALS},
             summary="一事一议: record the committee's decision (industry bureau)")
def record_committee_decision(request: HttpRequest, app_id: int,
                              body: CommitteeDecisionIn) -> Status[Any]:
    app, _ = _visible_or_refusal(request, app_id)
    assert app is not None
    try:
        decision = services.record_committee_decision(
            app, _user(request), meeting_ref=body.meeting_ref, meeting_date=body.meeting_date,
            amount=body.amount, members=body.members)
    except Refused as exc:
        return _refusal(exc)
    return Status(201, _decision(decision))
