"""Who may see and change which registry records. Each check returns (allowed, reason).

- an applicant sees and edits only its own organisations' records (accounts.roles);
- a park officer sees the organisations of its park, and changes nothing;
- department reviewers, the bureau, finance, the auditor and the administrator see everything;
- only staff (bureau officer, administrator) and the organisation's own applicant write.

People and teams belong to the organisation they work for (a team: its leader's); one with
no organisation is visible to the city-wide readers and written by staff only.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q, QuerySet

from policyhub.accounts.models import Role
from policyhub.accounts.roles import AnyUser, has_role, organisation_ids, unit_ids
from policyhub.registry.models import Organisation, Person, RegistryEvent, Team, YearlyFigure

Decision = tuple[bool, str]
Applicant = Organisation | Person | Team
Record = Organisation | Person | Team | YearlyFigure | RegistryEvent

READ_ALL = (Role.DEPARTMENT_REVIEWER, Role.BUREAU_OFFICER, Role.FINANCE_OFFICER, Role.AUDITOR,
            Role.ADMINISTRATOR)
STAFF_WRITERS = (Role.BUREAU_OFFICER, Role.ADMINISTRATOR)
OK = (True, "")


def owner(record: Record) -> Organisation | None:
    """The organisation whose applicants may act on `record`."""
    if isinstance(record, Organisation):
        return record
    if isinstance(record, YearlyFigure):
        return record.organisation
    if isinstance(record, RegistryEvent):
        return owner(record.applicant)
    if isinstance(record, Person):
        return record.organisation
    return record.organisation  # Team: its leader's organisation


def _reads_all(user: AnyUser) -> bool:
    return any(has_role(user, r) for r in READ_ALL)


def reads_everything(user: AnyUser) -> bool:
    """Whether `user` sees every registry record, those of no organisation included."""
    return user.is_authenticated and _reads_all(user)


def _is_staff_writer(user: AnyUser) -> bool:
    return any(has_role(user, r) for r in STAFF_WRITERS)


def can_view(user: AnyUser, record: Record) -> Decision:
    if not user.is_authenticated:
        return False, "请先登录 (not logged in)"
    if _reads_all(user):
        return OK
    org = owner(record)
    if org is not None and org.pk in organisation_ids(user):
        return OK
    if org is not None and org.park_id is not None and \
            org.park_id in unit_ids(user, Role.PARK_OFFICER):
        return OK
    return False, "无权查看该主体的登记信息：既不是本主体申报人，也不是其所在园区或市级部门"


def can_edit(user: AnyUser, record: Record) -> Decision:
    if not user.is_authenticated:
        return False, "请先登录 (not logged in)"
    if _is_staff_writer(user):
        return OK
    org = owner(record)
    if org is not None and org.pk in organisation_ids(user):
        return OK
    if can_view(user, record)[0]:
        return False, "只读：仅市工业和信息化局经办人、系统管理员和本主体申报人可修改登记信息"
    return False, "无权修改该主体的登记信息"


def edit_checker(user: AnyUser) -> Callable[[Record], Decision]:
    """`can_edit` for many records of one user (an import's rows), the user's roles read once
    rather than once per record; the same decisions and reasons."""
    if not user.is_authenticated:
        return lambda record: can_edit(user, record)
    if _is_staff_writer(user):
        return lambda record: OK
    own = organisation_ids(user)

    def check(record: Record) -> Decision:
        org = owner(record)
        if org is not None and org.pk in own:
            return OK
        return can_edit(user, record)

    return check


# Facts that decide eligibility (《若干政策》一 scope) or that other departments certify: an
# applicant may not declare them about itself; the bureau records them from the evidence.
VERIFIED_FIELDS = frozenset({"credit_code", "registered_in_changsha", "taxed_in_changsha",
                             "cybersecurity_business", "high_tech", "above_designated_size"})


def can_edit_fields(user: AnyUser, org: Organisation, fields: set[str]) -> Decision:
    allowed, reason = can_edit(user, org)
    if not allowed or _is_staff_writer(user):
        return allowed, reason
    verified = sorted(fields & VERIFIED_FIELDS)
    if verified:
        return False, ("以下字段决定政策适用范围或由主管部门认定，"
                       "只能由市工业和信息化局经办人修改：" + "、".join(verified))
    return OK


def can_create_organisation(user: AnyUser) -> Decision:
    if not user.is_authenticated:
        return False, "请先登录 (not logged in)"
    if _is_staff_writer(user):
        return OK
    return False, "仅市工业和信息化局经办人或系统管理员可新增主体"


def visible_organisations(user: AnyUser) -> QuerySet[Organisation]:
    """The organisations `user` may see, for lists (a list is filtered, never refused)."""
    qs = Organisation.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if _reads_all(user):
        return qs
    return qs.filter(Q(pk__in=organisation_ids(user))
                     | Q(park_id__in=unit_ids(user, Role.PARK_OFFICER)))


def can_import_objects(user: AnyUser) -> Decision:
    """Organisations, people and teams come in by file only from the bureau's registry staff
    (as they alone create organisations): an enterprise cannot add or rename itself or others,
    nor a park officer, a reviewer, finance or the auditor."""
    if not user.is_authenticated:
        return False, "请先登录 (not logged in)"
    if _is_staff_writer(user):
        return OK
    return False, "仅市工业和信息化局经办人或系统管理员可导入主体、人才和团队"
