"""待办: what waits for each role, as queues of applications and 免申即享 proposals.

Each queue is a query over what the user may see (applications.permissions.visible and
visible_proposals), narrowed to the state in which the workflow table gives this role the
next move: the applicant corrects returned applications and confirms proposals, the park
committee accepts submitted ones, the department reviews accepted ones, the industry bureau
makes the final review, publishes the notice and approves ended notices, finance pays.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from policyhub.accounts.models import Role
from policyhub.accounts.roles import AnyUser, assignments
from policyhub.applications import permissions, workflow
from policyhub.applications.models import Application, Proposal
from policyhub.web import labels

RELATED = ("organisation", "person__organisation", "team__leader__organisation", "park",
           "department")
SHOWN = 50  # rows per queue on the page; the full list is one link away


@dataclass
class Queue:
    title: str
    hint: str
    applications: list[Application] = field(default_factory=list)
    proposals: list[Proposal] = field(default_factory=list)
    count: int = 0
    more_url: str = ""  # the filtered application list holding all of them


def _apps(user: AnyUser, **where: Any) -> QuerySet[Application]:
    return (permissions.visible(user).filter(**where).select_related(*RELATED)
            .defer("decision", "explanation").order_by("created_at", "pk"))


def _queue(title: str, hint: str, qs: QuerySet[Application], state: str) -> Queue:
    count = qs.count()
    shown = list(qs[:SHOWN])
    labels.name_matters(shown)
    return Queue(title, hint, applications=shown, count=count,
                 more_url=f"?state={state}" if count > SHOWN else "")


def queues(user: AnyUser, today: dt.date) -> list[Queue]:
    """The queues of every role `user` holds, in the order a day's work takes them."""
    out: list[Queue] = []
    held = assignments(user)
    roles = {a.role for a in held}
    if Role.APPLICANT in roles:
        # Its own applications only: notices are public, the queue is not.
        orgs = [a.organisation_id for a in held if a.role == Role.APPLICANT]
        own = (Q(organisation_id__in=orgs) | Q(person__organisation_id__in=orgs)
               | Q(team__leader__organisation_id__in=orgs))

        def mine(**where: Any) -> QuerySet[Application]:
            return _apps(user, **where).filter(own)

        out.append(_queue(_("退回补正，待修改后重新提交"),
                          _("园区或部门退回的申报，请按退回原因补正后重新提交。"),
                          mine(state="returned"), "returned"))
        out.append(_queue(_("草稿，待提交"), _("已创建但尚未提交的申报。"), mine(state="draft"),
                          "draft"))
        proposals = (permissions.visible_proposals(user)
                     .filter(status=Proposal.Status.OPEN)
                     .select_related("organisation", "person", "team").order_by("pk"))
        open_ones = list(proposals[:SHOWN])
        labels.name_matters(open_ones)
        out.append(Queue(_("免申即享建议，待确认"),
                         _("系统根据登记信息主动发现的扶持，确认后直接进入审核。"),
                         proposals=open_ones, count=proposals.count()))
        out.append(_queue(_("公示中"), _("公示期内的申报；公示期满无异议后批准。"),
                          mine(state="notice"), "notice"))
        out.append(_queue(_("已批准，待拨付（可下载核定通知书）"), _("批准后由市财政局拨付。"),
                          mine(state="approved"), "approved"))
    if Role.PARK_OFFICER in roles:
        parks = [a.unit_id for a in held if a.role == Role.PARK_OFFICER]
        out.append(_queue(_("待受理：本园区已提交的申报"),
                          _("核对材料后受理，或写明原因退回补正。"),
                          _apps(user, state="submitted", park_id__in=parks), "submitted"))
    if Role.DEPARTMENT_REVIEWER in roles:
        units = [a.unit_id for a in held if a.role == Role.DEPARTMENT_REVIEWER]
        out.append(_queue(_("待审核：本部门负责条款的已受理申报"),
                          _("对照引擎核定结果与申报材料审核，在上限内确定金额。"),
                          _apps(user, state="accepted", department_id__in=units), "accepted"))
    if Role.BUREAU_OFFICER in roles:
        out.append(_queue(_("待复核：部门初审通过"), _("复核后发布公示。"),
                          _apps(user, state="reviewed"), "reviewed"))
        out.append(_queue(_("公示期满，可批准（截至%(day)s）") % {"day": f"{today:%Y-%m-%d}"},
                          _("公示期满且无异议的申报。"),
                          _apps(user, state="notice", notice_ends_on__lt=today), "notice"))
    if Role.FINANCE_OFFICER in roles:
        out.append(_queue(_("已批准，待拨付"), _("核对收款信息后拨付；每笔只拨付一次。"),
                          _apps(user, state="approved"), "approved"))
    return out


def stage_counts(user: AnyUser) -> list[tuple[str, str, int]]:
    """(state, label, count) of every state, for the bureau's overview by stage."""
    counts = Counter(permissions.visible(user).values_list("state", flat=True))
    return [(s.code, workflow.label(s.code), counts.get(s.code, 0)) for s in workflow.STATES]


def search(user: AnyUser, data: dict[str, Any]) -> QuerySet[Application]:
    """Applications `user` may see matching the search form: name or credit code (part of),
    clause, state, department, park."""
    qs = _apps(user).order_by("-created_at", "-pk")
    text = (data.get("q") or "").strip()
    if text:
        qs = qs.filter(Q(organisation__name__icontains=text)
                       | Q(organisation__credit_code__icontains=text)
                       | Q(person__name__icontains=text) | Q(team__name__icontains=text)
                       | Q(person__organisation__name__icontains=text)
                       | Q(team__leader__organisation__name__icontains=text))
    for key, column in (("clause", "clause"), ("state", "state"),
                        ("department", "department"), ("park", "park")):
        value = data.get(key)
        if value:
            qs = qs.filter(**{column: value})
    return qs
