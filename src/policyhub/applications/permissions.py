"""Who may see and move an application. Each check returns (allowed, reason in Chinese).

Scope per role: an applicant acts for its own organisation, a park officer for its park,
a department reviewer for the clauses its department reviews (clauses.yaml), the industry
bureau and finance bureau city-wide; auditors and administrators see everything but move
nothing (separation of duties: the people who run the system do not decide awards).

People and teams (二(五)、二(十)) belong to their organisation (a person's employer, a team's
leader's, as registry.permissions.owner): that organisation's applicant users act for them
and its park committee receives their applications. A person or team with no organisation
has no applicant user and no park: the industry bureau applies on its behalf and stands in
for the park committee (submit, accept, return or refuse at acceptance) — as it does for
any application with no park.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from policyhub.accounts.models import Role, RoleAssignment
from policyhub.accounts.roles import assignments
from policyhub.applications import workflow
from policyhub.applications.models import (
    Applicant,
    Application,
    ApplicationQuerySet,
    Proposal,
    owning_organisation,
)
from policyhub.registry.models import Organisation

AnyUser = AbstractBaseUser | AnonymousUser
Check = tuple[bool, str]

CITY_WIDE = (Role.BUREAU_OFFICER, Role.FINANCE_OFFICER, Role.AUDITOR, Role.ADMINISTRATOR)


def owner_id(app: Application | Proposal) -> int | None:
    """The id of the organisation whose applicant users act for `app`'s applicant."""
    if app.organisation_id is not None:
        return app.organisation_id
    owner = app.owning_organisation
    return owner.pk if owner is not None else None


def _owned_by(org_id: int | None, prefix: str = "") -> Q:
    """Applications (or proposals) whose applicant belongs to organisation `org_id`."""
    return (Q(**{f"{prefix}organisation_id": org_id})
            | Q(**{f"{prefix}person__organisation_id": org_id})
            | Q(**{f"{prefix}team__leader__organisation_id": org_id}))


def _in_park(park_id: int) -> Q:
    """Proposals whose applicant's organisation lies in park `park_id`."""
    return (Q(organisation__park_id=park_id) | Q(person__organisation__park_id=park_id)
            | Q(team__leader__organisation__park_id=park_id))


def _in_scope(a: RoleAssignment, app: Application) -> bool:
    if a.role == Role.APPLICANT:
        return a.organisation_id is not None and a.organisation_id == owner_id(app)
    if a.role == Role.PARK_OFFICER:
        return a.unit_id is not None and a.unit_id == app.park_id
    if a.role == Role.DEPARTMENT_REVIEWER:
        return a.unit_id == app.department_id
    return a.role in CITY_WIDE


def role_for(user: AnyUser, app: Application, move: workflow.Move) -> str | None:
    """The role in which `user` may make `move` on `app`, or None."""
    if not user.is_authenticated:
        return None
    if workflow.OBJECTOR in move.roles and may_object(user, app):
        return workflow.OBJECTOR
    for a in assignments(user):
        if a.role in move.roles and _in_scope(a, app):
            return str(a.role)
    for a in assignments(user):
        if _stands_in(a, app, move):
            return str(a.role)
    return None


# Roles whose holders decide or watch applications: never an objector (separation of duties).
OFFICIAL = (Role.PARK_OFFICER, Role.DEPARTMENT_REVIEWER, Role.BUREAU_OFFICER,
            Role.FINANCE_OFFICER, Role.AUDITOR, Role.ADMINISTRATOR)


def may_object(user: AnyUser, app: Application) -> bool:
    """公示异议: a user holding the applicant role for another organisation than `app`'s, and
    no official role (docs/workflow.md, 异议)."""
    roles = assignments(user)
    if any(a.role in OFFICIAL for a in roles):
        return False
    owner = owner_id(app)
    if any(a.role == Role.APPLICANT and a.organisation_id == owner for a in roles):
        return False
    return any(a.role == Role.APPLICANT and a.organisation_id is not None for a in roles)


def _stands_in(a: RoleAssignment, app: Application, move: workflow.Move) -> bool:
    """The industry bureau makes the park committee's moves on an application with no park
    (a person or team with no organisation, which it applied for on their behalf)."""
    return (a.role == Role.BUREAU_OFFICER and app.park_id is None
            and workflow.PARK_OFFICER in move.roles)


def can_view(user: AnyUser, app: Application) -> Check:
    if not user.is_authenticated:
        return False, "请先登录"
    if app.state == "notice":
        return True, "公示期间申报信息向所有登录用户公开"
    if any(_in_scope(a, app) for a in assignments(user)):
        return True, ""
    return False, ("您无权查看该申报：仅申报主体、所属园区、责任部门、市工业和信息化局、"
                   "市财政局、审计和管理员可查看")


NOT_YOURS = "您无权查看或办理该申报"


def can_transition(user: AnyUser, app: Application, name: str) -> Check:
    """Whether `user` may make move `name` on `app` now. On an application the user may not
    view, every refusal reads the same (NOT_YOURS): it never tells the application's state."""
    if not user.is_authenticated:
        return False, "请先登录"
    if not can_view(user, app)[0]:
        return False, NOT_YOURS
    move = workflow.move(name, app.state)
    label = workflow.MOVE_LABELS.get(name, name)
    if move is None:
        return False, f"当前状态“{app.state_label}”下不能执行“{label}”"
    if workflow.SYSTEM in move.roles:
        return False, f"“{move.zh}”只能由系统执行"
    if role_for(user, app, move) is None:
        return False, _refusal(move)
    return True, ""


def _refusal(move: workflow.Move) -> str:
    if workflow.OBJECTOR in move.roles:
        return (f"“{move.zh}”须由申报主体以外的其他单位申报人提出；申报主体本身、"
                "园区管委会、责任部门、市工业和信息化局、市财政局、审计和管理员不能提出异议")
    roles = "、".join(workflow.ROLE_LABELS[r].split(" ")[0] for r in move.roles)
    return f"“{move.zh}”须由{roles}办理，且限于其负责的申报"


def can_apply(user: AnyUser, applicant: Applicant) -> Check:
    """An applicant for its own organisation and that organisation's people and teams, or
    the park's officer on their behalf; for a person or team with no organisation, the
    industry bureau on its behalf."""
    org = owning_organisation(applicant)
    if org is None:
        if any(a.role == Role.BUREAU_OFFICER for a in assignments(user)):
            return True, ""
        return False, "没有所在单位的人才或团队，由市工业和信息化局代为申报"
    for a in assignments(user):
        if a.role == Role.APPLICANT and a.organisation_id is not None \
                and a.organisation_id == org.pk:
            return True, ""
        if a.role == Role.PARK_OFFICER and a.unit_id is not None and a.unit_id == org.park_id:
            return True, ""
    if isinstance(applicant, Organisation):
        return False, "只有申报主体本身或其所在园区管委会可以代为申报"
    return False, (f"只有{applicant.name}所在单位（{org.name}）的申报人或其所在园区管委会"
                   "可以代为申报")


def can_record_decision(user: AnyUser, app: Application) -> Check:
    """一事一议 decisions are entered by the industry bureau, which convenes the meeting."""
    if any(a.role == Role.BUREAU_OFFICER for a in assignments(user)):
        return True, ""
    return False, "一事一议会议决定须由市工业和信息化局录入"


def visible(user: AnyUser, qs: ApplicationQuerySet | None = None) -> ApplicationQuerySet:
    """The applications `user` may see: the list endpoints' filter."""
    qs = qs if qs is not None else Application.objects.all()
    if not user.is_authenticated:
        return qs.none()
    rules = Q(state="notice")
    for a in assignments(user):
        if a.role in CITY_WIDE:
            return qs
        if a.role == Role.APPLICANT and a.organisation_id is not None:
            rules |= _owned_by(a.organisation_id)
        elif a.role == Role.PARK_OFFICER and a.unit_id is not None:
            rules |= Q(park_id=a.unit_id)
        elif a.role == Role.DEPARTMENT_REVIEWER:
            rules |= Q(department_id=a.unit_id)
    return qs.filter(rules)


def can_act_for(user: AnyUser, org_id: int | None) -> Check:
    """Confirming or dismissing a 免申即享 proposal: the applicant users of the organisation
    the proposal's applicant belongs to (`owner_id`); nobody for a person or team with none."""
    if org_id is None:
        return False, "该人才或团队没有所在单位，免申即享建议须由本人到市工业和信息化局办理"
    if any(a.role == Role.APPLICANT and a.organisation_id == org_id for a in assignments(user)):
        return True, ""
    return False, "只有申报主体本身可以确认或放弃免申即享建议"


def visible_proposals(user: AnyUser, qs: QuerySet[Proposal] | None = None
                      ) -> QuerySet[Proposal]:
    """The 免申即享 proposals `user` may list: its organisations' (with their people and
    teams), a park's for its officer, all of them for the city-wide roles."""
    qs = qs if qs is not None else Proposal.objects.all()
    if not user.is_authenticated:
        return qs.none()
    rules = Q(pk__in=[])
    for a in assignments(user):
        if a.role in CITY_WIDE:
            return qs
        if a.role == Role.APPLICANT and a.organisation_id is not None:
            rules |= _owned_by(a.organisation_id)
        elif a.role == Role.PARK_OFFICER and a.unit_id is not None:
            rules |= _in_park(a.unit_id)
    return qs.filter(rules)


def can_export_proposals(user: AnyUser) -> Check:
    """Exporting the 免申即享 proposals as Excel: the officers who screen and follow them up
    (the city-wide roles for all, a park officer for its park, as `visible_proposals`); an
    applicant confirms its own on the page and exports nothing."""
    if any(a.role in CITY_WIDE or (a.role == Role.PARK_OFFICER and a.unit_id is not None)
           for a in assignments(user)):
        return True, ""
    return False, "只有园区管委会和市直管理部门可以导出免申即享建议"


PROPOSAL_NOT_YOURS = "您无权查看该免申即享建议"


def visible_proposal(user: AnyUser, pk: int) -> Proposal | None:
    """The proposal `user` may see (visible_proposals), or None — whether it does not exist
    or is another's, so a caller answers both alike (docs/security.md)."""
    return visible_proposals(user).filter(pk=pk).first()
