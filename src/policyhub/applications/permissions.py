"""Who may see and move an application. Each check returns (allowed, reason in Chinese).

Scope per role: an applicant acts for its own organisation, a park officer for its park,
a department reviewer for the clauses its department reviews (clauses.yaml), the industry
bureau and finance bureau city-wide; auditors and administrators see everything but move
nothing (separation of duties: the people who run the system do not decide awards).
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q

from policyhub.accounts.models import Role, RoleAssignment
from policyhub.accounts.roles import assignments
from policyhub.applications import workflow
from policyhub.applications.models import Application, ApplicationQuerySet
from policyhub.registry.models import Organisation

AnyUser = AbstractBaseUser | AnonymousUser
Check = tuple[bool, str]

CITY_WIDE = (Role.BUREAU_OFFICER, Role.FINANCE_OFFICER, Role.AUDITOR, Role.ADMINISTRATOR)


def _in_scope(a: RoleAssignment, app: Application) -> bool:
    if a.role == Role.APPLICANT:
        return a.organisation_id == app.organisation_id
    if a.role == Role.PARK_OFFICER:
        return a.unit_id is not None and a.unit_id == app.park_id
    if a.role == Role.DEPARTMENT_REVIEWER:
        return a.unit_id == app.department_id
    return a.role in CITY_WIDE


def role_for(user: AnyUser, app: Application, move: workflow.Move) -> str | None:
    """The role in which `user` may make `move` on `app`, or None."""
    if not user.is_authenticated:
        return None
    if workflow.ANYONE in move.roles:
        return workflow.ANYONE
    for a in assignments(user):
        if a.role in move.roles and _in_scope(a, app):
            return str(a.role)
    return None


def can_view(user: AnyUser, app: Application) -> Check:
    if not user.is_authenticated:
        return False, "请先登录"
    if app.state == "notice":
        return True, "公示期间申报信息向所有登录用户公开"
    if any(_in_scope(a, app) for a in assignments(user)):
        return True, ""
    return False, ("您无权查看该申报：仅申报主体、所属园区、责任部门、市工业和信息化局、"
                   "市财政局、审计和管理员可查看")


def can_transition(user: AnyUser, app: Application, name: str) -> Check:
    if not user.is_authenticated:
        return False, "请先登录"
    move = workflow.move(name, app.state)
    if move is None:
        label = workflow.MOVE_LABELS.get(name, name)
        return False, f"当前状态“{app.state_label}”下不能执行“{label}”"
    if workflow.SYSTEM in move.roles:
        return False, f"“{move.zh}”只能由系统执行"
    if role_for(user, app, move) is None:
        return False, _refusal(move)
    return True, ""


def _refusal(move: workflow.Move) -> str:
    roles = "、".join(workflow.ROLE_LABELS[r].split(" ")[0] for r in move.roles)
    return f"“{move.zh}”须由{roles}办理，且限于其负责的申报"


def can_apply(user: AnyUser, org: Organisation) -> Check:
    """An applicant for its own organisation, or its park's officer on its behalf."""
    for a in assignments(user):
        if a.role == Role.APPLICANT and a.organisation_id == org.pk:
            return True, ""
        if a.role == Role.PARK_OFFICER and a.unit_id is not None and a.unit_id == org.park_id:
            return True, ""
    return False, "只有申报主体本身或其所在园区管委会可以代为申报"


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
        if a.role == Role.APPLICANT:
            rules |= Q(organisation_id=a.organisation_id)
        elif a.role == Role.PARK_OFFICER and a.unit_id is not None:
            rules |= Q(park_id=a.unit_id)
        elif a.role == Role.DEPARTMENT_REVIEWER:
            rules |= Q(department_id=a.unit_id)
    return qs.filter(rules)


def can_act_for(user: AnyUser, org_id: int) -> Check:
    """Confirming or dismissing a 免申即享 proposal: the organisation's own applicant."""
    if any(a.role == Role.APPLICANT and a.organisation_id == org_id for a in assignments(user)):
        return True, ""
    return False, "只有申报主体本身可以确认或放弃免申即享建议"


def proposal_organisations(user: AnyUser) -> set[int] | None:
    """Whose 免申即享 proposals `user` may list: None means every organisation."""
    if not user.is_authenticated:
        return set()
    orgs: set[int] = set()
    for a in assignments(user):
        if a.role in CITY_WIDE:
            return None
        if a.role == Role.APPLICANT and a.organisation_id is not None:
            orgs.add(a.organisation_id)
        elif a.role == Role.PARK_OFFICER and a.unit_id is not None:
            orgs |= set(Organisation.objects.filter(park_id=a.unit_id)
                        .values_list("pk", flat=True))
    return orgs
