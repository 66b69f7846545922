"""申报审核 pages: the list, one application with its workflow moves, the new-application form,
免申即享 proposals, the 公示名单 (page, PDF, Excel) and the 核定通知书 PDF.

Thin callers: lists are `permissions.visible`, every move is `services.transition` (which
checks, audits and explains refusals), documents are `notices`. A refusal shows its reason:
403 when the user may not act at all, 422 when the move breaks a workflow rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from policyhub.applications import notices, permissions, services, workflow
from policyhub.applications.errors import Refused
from policyhub.applications.models import (
    APPLICANT_KIND_LABELS,
    Applicant,
    Application,
    CommitteeDecision,
    NoticeBatch,
    Proposal,
    applicant_field,
)
from policyhub.applications.proposal_filters import ProposalFilter
from policyhub.audit.services import record
from policyhub.engine import InputError, evaluate, meta
from policyhub.registry import facts
from policyhub.registry.models import Organisation, Person, Team
from policyhub.registry.permissions import visible_organisations
from policyhub.units.models import Unit
from policyhub.web import decision, display, labels
from policyhub.web.labels import matter_label
from policyhub.web.refusals import hidden
from policyhub.web.refusals import refused as web_refused
from policyhub.web.tables import paginate

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# What a row shows of its applicant (an organisation, a talent or a team), in one query.
RELATED = ("organisation", "person__organisation", "team__leader__organisation", "park",
           "department")


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def refused(request: HttpRequest, reason: str, *, status: int = 403,
            action: str = "", obj: Any = None) -> HttpResponse:
    """The reason shown with its status; `action` also audits it (services audit their own)."""
    return web_refused(request, reason, status=status, action=action, obj=obj,
                       template="applications/refused.html")


def _status(exc: Refused) -> int:
    return exc.status


def _attachment(body: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- list ------------------------------------------------------------------------------------


def _clause_choices() -> list[tuple[str, str]]:
    clauses = sorted({r.clause for r in meta.rules().values()})
    return [("", "—"), *((c, c) for c in clauses)]


class ApplicationFilter(forms.Form):
    state = forms.ChoiceField(label=_("状态"), required=False,
                              choices=lambda: [("", "—"), *workflow.choices()])
    clause = forms.ChoiceField(label=_("条款"), required=False, choices=_clause_choices)
    park = forms.ModelChoiceField(label=_("受理园区"), required=False, empty_label="—",
                                  queryset=Unit.objects.filter(kind=Unit.Kind.PARK))

    def apply(self, qs: QuerySet[Application]) -> QuerySet[Application]:
        if not self.is_valid():
            return qs
        data = self.cleaned_data
        if data["state"]:
            qs = qs.filter(state=data["state"])
        if data["clause"]:
            qs = qs.filter(clause=data["clause"])
        if data["park"]:
            qs = qs.filter(park=data["park"])
        return qs


@login_required
def index(request: HttpRequest) -> HttpResponse:
    form = ApplicationFilter(request.GET or None)
    # The decision snapshot and facts are kilobytes per row and no list shows them.
    qs = (permissions.visible(request.user).select_related(*RELATED)
          .defer("decision", "explanation"))
    page: Page[Application] = paginate(request, form.apply(qs))
    labels.name_matters(page.object_list)
    return render(request, "applications/index.html", {"form": form, "page": page})


# --- detail and moves ------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    """A move the user may make now, with what its form asks for."""

    name: str
    label: str
    reason_required: bool
    sets_amount: bool
    default_amount: Decimal | None


def actions(app: Application, user: Any) -> list[Action]:
    """The moves out of the current state that `user` may make (permissions.can_transition)."""
    out = []
    for move in workflow.moves_from(app.state):
        if not permissions.can_transition(user, app, move.name)[0]:
            continue
        default = (app.approved_amount or app.entitled_amount) if move.sets_amount else None
        out.append(Action(move.name, move.zh, move.reason_required, move.sets_amount, default))
    return out


@dataclass(frozen=True)
class HistoryRow:
    at: Any
    label: str
    source: str
    target: str
    actor: str
    role: str
    reason: str
    amount: Decimal | None


def move_label(name: str, source: str) -> str:
    """The table's label of the move made out of `source` (重新提交 only out of 退回补正)."""
    found = workflow.move(name, source)
    if found is not None:
        return found.zh
    return "创建" if name == "create" else workflow.MOVE_LABELS.get(name, name)


def acting_unit(app: Application, role: str) -> str:
    """The unit a move was made for, by name: the application's park committee or department
    rather than the generic 园区管委会 / 责任部门; the applicant by its name."""
    if role == workflow.PARK_OFFICER and app.park is not None:
        return app.park.name
    if role == workflow.DEPARTMENT_REVIEWER and app.department is not None:
        return app.department.name
    if role == workflow.APPLICANT:
        return app.applicant_name
    # "园区管委会 park committee": the Chinese page shows the Chinese name
    return workflow.ROLE_LABELS.get(role, "").split(" ")[0]


def history(app: Application) -> list[HistoryRow]:
    return [HistoryRow(r.at, move_label(r.name, r.source),
                       workflow.state(r.source).zh if r.source else "",
                       workflow.state(r.target).zh,
                       (r.actor.get_full_name() or r.actor.get_username()) if r.actor else "系统",
                       acting_unit(app, r.role), r.reason, r.amount)
            for r in app.history.select_related("actor")]


def _engine_view(app: Application) -> decision.DecisionView | None:
    engine = (app.decision or {}).get("engine")
    return decision.view(engine) if engine else None


def _detail_context(request: HttpRequest, app: Application, *,
                    decision_form: CommitteeDecisionForm | None = None) -> dict[str, Any]:
    may_decide = (app.discretionary and app.state not in services.DECISION_CLOSED_STATES
                  and permissions.can_record_decision(request.user, app)[0])
    if may_decide and decision_form is None:
        decision_form = CommitteeDecisionForm(cap=app.cap)
    return {"app": app, "state": workflow.state(app.state),
            "rule_label": notices.rule_label(app.rule), "history": history(app),
            "actions": actions(app, request.user), "decision": _engine_view(app),
            "has_letter": app.state in notices.LETTER_STATES,
            "owner": app.owning_organisation,
            "committee_decisions": list(app.committee_decisions.select_related("recorded_by")),
            "decision_form": decision_form if may_decide else None}


def _visible_application(request: HttpRequest, pk: int
                         ) -> tuple[Application, HttpResponse | None]:
    app = get_object_or_404(Application.objects.select_related(*RELATED), pk=pk)
    allowed, reason = permissions.can_view(request.user, app)
    if allowed:
        return app, None
    hidden(request.user, reason, action="applications.view", obj=app)


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    app, refusal = _visible_application(request, pk)
    if refusal is not None:
        return refusal
    return render(request, "applications/detail.html", _detail_context(request, app))


def _amount(raw: str) -> Decimal | None:
    text = raw.strip().replace(",", "")
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        raise Refused(f"金额“{raw}”不是有效的数字") from None


def _moved(request: HttpRequest, app: Application, label: str) -> HttpResponse:
    messages.success(request, f"已{label}：当前状态为“{app.state_label}”")
    url = reverse("applications:detail", args=[app.pk])
    if _is_htmx(request):
        response = HttpResponse(status=200)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url, status=303)


def _move_refused(request: HttpRequest, app: Application, exc: Refused) -> HttpResponse:
    if _is_htmx(request):
        return render(request, "applications/_refusal.html", {"reason": exc.reason},
                      status=_status(exc))
    context = {**_detail_context(request, app), "refusal": exc.reason}
    return render(request, "applications/detail.html", context, status=_status(exc))


REASON_MAX = 2_000  # characters of a move's reason (issue 14: reasons ≤ 2,000)
NAME_MAX = 200  # characters of a person's or organisation's name (issue 14: names ≤ 200)


@login_required
@require_POST
def transition(request: HttpRequest, pk: int) -> HttpResponse:
    app, _ = _visible_application(request, pk)  # one the user may not view: 404
    name = request.POST.get("transition", "")
    try:
        if len(request.POST.get("reason", "")) > REASON_MAX:
            raise Refused(f"理由/意见最多{REASON_MAX:,}个字符，请精简后再提交")
        moved = services.transition(app, name, request.user,
                                    reason=request.POST.get("reason") or None,
                                    amount=_amount(request.POST.get("amount", "")))
    except Refused as exc:
        app.refresh_from_db()
        seen = request.POST.get("seen_state")
        if seen and seen != app.state and _is_htmx(request):
            # A stale tab: someone moved it meanwhile. Show the current state, not a riddle.
            messages.warning(request, f"该申报已由他人办理，当前状态为“{app.state_label}”，"
                                      f"页面已更新：{exc.reason}")
            response = HttpResponse(status=200)
            response["HX-Redirect"] = reverse("applications:detail", args=[app.pk])
            return response
        return _move_refused(request, app, exc)
    return _moved(request, moved, workflow.MOVE_LABELS.get(name, name))


# --- 一事一议 committee decisions -------------------------------------------------------------


class CommitteeDecisionForm(forms.Form):
    """一事一议: the meeting that set the amount (services.record_committee_decision checks
    the cap, the bureau's permission and the state; its refusal is shown with the form)."""

    meeting_ref = forms.CharField(label=_("会议纪要编号"), max_length=100)
    meeting_date = forms.DateField(label=_("会议日期"),
                                   widget=forms.DateInput(attrs={"type": "date"}))
    amount = forms.DecimalField(label=_("决定金额（元）"), min_value=Decimal("0.01"),
                                decimal_places=2, max_digits=14)
    members = forms.CharField(label=_("参会成员（每行一个，或以“、”分隔）"),
                              widget=forms.Textarea(attrs={"rows": 3}))
    minutes = forms.FileField(label=_("会议纪要文件（可不传）"), required=False)

    def __init__(self, *args: Any, cap: Decimal | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cap = cap
        if cap is not None:
            self.fields["amount"].help_text = f"不超过政策文件上限 {cap:,.2f} 元"
            self.fields["amount"].widget.attrs["max"] = str(cap)

    def clean_members(self) -> list[str]:
        raw: str = self.cleaned_data["members"]
        names = [n.strip() for part in raw.splitlines() for n in part.split("、")]
        names = [n for n in names if n]
        if not names:
            raise forms.ValidationError(_("须列明参会成员"))
        if any(len(n) > NAME_MAX for n in names):
            raise forms.ValidationError(f"每位参会成员的姓名最多{NAME_MAX}个字符")
        return names


@login_required
@require_POST
def committee_decision(request: HttpRequest, pk: int) -> HttpResponse:
    app, refusal = _visible_application(request, pk)
    if refusal is not None:
        return refusal
    form = CommitteeDecisionForm(request.POST, request.FILES, cap=app.cap)
    if not form.is_valid():
        context = _detail_context(request, app, decision_form=form)
        if context["decision_form"] is None:  # not the bureau, or not a 一事一议 item
            return _decision_refused(request, app)
        return render(request, "applications/detail.html", context, status=422)
    data = form.cleaned_data
    try:
        decision = services.record_committee_decision(
            app, request.user, meeting_ref=data["meeting_ref"],
            meeting_date=data["meeting_date"], amount=data["amount"], members=data["members"],
            minutes=data["minutes"])
    except Refused as exc:
        context = {**_detail_context(request, app, decision_form=form),
                   "decision_refusal": exc.reason}
        return render(request, "applications/detail.html", context, status=_status(exc))
    messages.success(request,
                     f"已录入一事一议会议决定（{decision.meeting_ref}）：{decision.amount}元")
    return HttpResponseRedirect(reverse("applications:detail", args=[app.pk]) + "#committee",
                                status=303)


@login_required
def minutes(request: HttpRequest, pk: int, decision_pk: int) -> HttpResponseBase:
    """A decision's minutes file, to those who may see the application (never public media:
    settings.MEDIA_ROOT)."""
    app, refusal = _visible_application(request, pk)
    if refusal is not None:
        return refusal
    decision = get_object_or_404(CommitteeDecision, pk=decision_pk, application=app)
    if not decision.minutes:
        raise Http404("该会议决定没有上传会议纪要")
    name = Path(decision.minutes.name or "minutes").name
    return FileResponse(decision.minutes.open("rb"), as_attachment=True, filename=name)


def _decision_refused(request: HttpRequest, app: Application) -> HttpResponse:
    """The service's own reason (audited there) for a user who may not record one."""
    try:
        services.record_committee_decision(app, request.user, meeting_ref="",
                                           meeting_date=services.today(), amount=Decimal(0),
                                           members=[])
    except Refused as exc:
        context = {**_detail_context(request, app), "decision_refusal": exc.reason}
        return render(request, "applications/detail.html", context, status=_status(exc))
    raise AssertionError("an empty decision cannot be recorded")  # pragma: no cover


# --- new application -------------------------------------------------------------------------


def applicable_organisations(user: Any) -> list[Organisation]:
    """The organisations `user` may apply for (permissions.can_apply)."""
    return [o for o in visible_organisations(user).select_related("park")
            if permissions.can_apply(user, o)[0]]


def applicable_applicants(user: Any) -> list[Applicant]:
    """Whom `user` may apply for (permissions.can_apply): its organisations, their people
    and teams; for the industry bureau also people and teams with no organisation."""
    orgs = applicable_organisations(user)
    ids = [o.pk for o in orgs]
    people = list(Person.objects.filter(organisation_id__in=ids).select_related("organisation"))
    teams = list(Team.objects.filter(leader__organisation_id__in=ids)
                 .select_related("leader__organisation"))
    unattached: list[Applicant] = [
        *Person.objects.filter(organisation__isnull=True),
        *Team.objects.filter(Q(leader__isnull=True) | Q(leader__organisation__isnull=True)),
    ]
    unattached = [a for a in unattached if permissions.can_apply(user, a)[0]]
    return [*orgs, *people, *teams, *unattached]


def applicant_label(applicant: Applicant) -> str:
    kind = APPLICANT_KIND_LABELS[applicant_field(applicant)]
    if isinstance(applicant, Organisation):
        return f"{applicant.name}（{kind}）"
    owner = applicant.organisation
    where = owner.name if owner is not None else "无所在单位"
    return f"{applicant.name}（{kind}，{where}）"


def _events_text(request_events: list[dict[str, Any]], indexes: list[int]) -> str:
    """The facts an award rests on, as people name them (项目投资（2020年10月30日）)."""
    return "，".join(labels.event_label(request_events[i]) for i in indexes
                    if 0 <= i < len(request_events))


def candidates(applicant: Applicant) -> list[tuple[str, str]]:
    """What the engine grants `applicant` on its registry facts today: (rule|matter, label)."""
    request = facts.request_for(applicant, as_of=services.today())
    try:
        result = evaluate(request)
    except InputError:
        return []
    out = []
    for award in result["awards"]:
        if award["status"] != "granted":
            continue
        word = "上限" if award["ceiling"] else "核定"
        matter = matter_label(award["matter"], request["events"])
        basis = _events_text(request["events"], list(award.get("events", [])))
        out.append((f"{award['rule']}|{award['matter']}",
                    f"{notices.rule_label(award['rule'])}（{award['clause']}）· {matter} · "
                    f"{word}{display.money(award['amount'])}元"
                    + (f" · 依据：{basis}" if basis and basis != matter else "")))
    for item in result["discretionary"]:
        out.append((f"{item['rule']}|{item['matter']}",
                    f"{notices.rule_label(item['rule'])}（一事一议）· "
                    f"{matter_label(item['matter'], request['events'])}"))
    return out


class ApplyForm(forms.Form):
    applicant = forms.ChoiceField(label=_("申报主体"))
    award = forms.ChoiceField(label=_("申报事项（按登记事实核定）"))
    requested_amount = forms.DecimalField(label=_("申请金额（元，可不填）"), required=False,
                                          min_value=Decimal("0.01"), decimal_places=2,
                                          max_digits=14)

    def __init__(self, data: Any, applicants: list[Applicant], chosen: Applicant) -> None:
        super().__init__(data, initial={"applicant": facts.applicant_id(chosen)})
        self.set_choices("applicant",
                         [(facts.applicant_id(a), applicant_label(a)) for a in applicants])
        self.set_choices("award", candidates(chosen))

    def set_choices(self, name: str, choices: list[Any]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices


def _chosen(applicants: list[Applicant], raw: str | None) -> Applicant:
    """The applicant picked by its id (O-1, P-2, T-3); a bare number is an organisation's
    primary key (the form's field before people and teams could apply)."""
    key = raw or ""
    if key.isdigit():
        key = f"O-{key}"
    by_id = {facts.applicant_id(a): a for a in applicants}
    return by_id.get(key, applicants[0])


def _picked(request: HttpRequest) -> str | None:
    for source in (request.POST, request.GET):
        for name in ("applicant", "organisation"):
            if source.get(name):
                return source[name]
    return None


@login_required
def new(request: HttpRequest) -> HttpResponse:
    applicants = applicable_applicants(request.user)
    if not applicants:  # the permission's own reason, asked about an organisation of nobody's
        reason = permissions.can_apply(request.user, Organisation())[1]
        return refused(request, reason, action="applications.apply")
    chosen = _chosen(applicants, _picked(request))
    data = None
    if request.method == "POST":
        data = request.POST.copy()
        data["applicant"] = facts.applicant_id(chosen)
    form = ApplyForm(data, applicants, chosen)
    if data is None and request.GET.get("award"):  # 申报此项 from 政策试算
        form.initial["award"] = request.GET["award"]
    context: dict[str, Any] = {"form": form, "chosen": chosen,
                               "chosen_id": facts.applicant_id(chosen),
                               "org": chosen if isinstance(chosen, Organisation)
                               else chosen.organisation}
    if request.method == "POST" and form.is_valid():
        rule, _sep, matter = form.cleaned_data["award"].partition("|")
        try:
            app = services.apply(chosen, rule, matter, request.user, events=[],
                                 requested_amount=form.cleaned_data["requested_amount"])
        except Refused as exc:
            context["refusal"] = exc.reason
            return render(request, "applications/new.html", context, status=_status(exc))
        messages.success(request, f"已创建申报草稿（编号{app.pk}），请核对后提交")
        return redirect("applications:detail", pk=app.pk)
    return render(request, "applications/new.html", context)


# --- 免申即享 proposals ------------------------------------------------------------------------


@dataclass(frozen=True)
class ProposalRow:
    proposal: Proposal
    rule_label: str
    can_confirm: bool


def _proposals(request: HttpRequest) -> tuple[ProposalFilter, QuerySet[Proposal]]:
    """The filters and the proposals they leave that the user may see (page and export)."""
    form = ProposalFilter(request.GET)
    qs = form.apply(permissions.visible_proposals(request.user)).select_related(
        "organisation", "person__organisation", "team__leader__organisation")
    return form, qs


@login_required
def proposals(request: HttpRequest) -> HttpResponse:
    form, qs = _proposals(request)
    page: Page[Proposal] = paginate(request, qs)
    labels.name_matters(page.object_list)
    rows = [ProposalRow(p, notices.rule_label(p.rule),
                        p.status == Proposal.Status.OPEN
                        and permissions.can_act_for(request.user, permissions.owner_id(p))[0])
            for p in page]
    return render(request, "applications/proposals.html",
                  {"page": page, "rows": rows, "form": form,
                   "can_export": permissions.can_export_proposals(request.user)[0]})


@login_required
def proposals_xlsx(request: HttpRequest) -> HttpResponse:
    """The filtered proposals as Excel, for the officers who follow them up; audited like the
    ledger's and the plan's exports. The page's filters, the page's rows."""
    allowed, reason = permissions.can_export_proposals(request.user)
    if not allowed:
        return refused(request, reason, action="applications.proposals_export")
    form, qs = _proposals(request)
    found = list(qs)
    record(request.user, "applications.proposals_export", None, allowed=True,
           rows=len(found), **form.summary())
    return _attachment(notices.proposals_xlsx(found), XLSX,
                       f"proposals-{form.status_value}.xlsx")


@login_required
@require_POST
def confirm_proposal(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(Proposal, pk=pk)
    if permissions.visible_proposal(request.user, pk) is None:  # another's: as if none
        hidden(request.user, permissions.PROPOSAL_NOT_YOURS,
               action="applications.proposal.view", obj=proposal)
    try:
        app, created = services.confirm(proposal, request.user)
    except Refused as exc:
        return refused(request, exc.reason, status=_status(exc))
    if created:
        messages.success(request, f"已确认免申即享，申报编号{app.pk}进入责任部门审核")
    else:  # a second tab, or a colleague, confirmed it first: the same application
        messages.info(request, f"该建议已确认过，申报编号{app.pk}（{app.state_label}）")
    return redirect("applications:detail", pk=app.pk)


# --- 公示名单 and 核定通知书 -------------------------------------------------------------------


def in_notice(user: Any) -> list[Application]:
    """The applications `user` sees that are in a notice still running today."""
    qs = permissions.visible(user).filter(state="notice", notice_ends_on__gte=services.today())
    return list(qs.select_related(*RELATED, "notice_batch")
                .order_by("notice_batch__starts_on", "notice_batch_id", "pk"))


@dataclass(frozen=True)
class BatchRows:
    batch: NoticeBatch
    number: str
    period: str
    rows: list[tuple[Application, str, str, str]]  # application, 支持事项, 条款, 事项


def batches(apps: list[Application]) -> list[BatchRows]:
    """The running notices, one per batch, each with its rows in the documents' words."""
    out: dict[int, list[Application]] = {}
    found: dict[int, NoticeBatch] = {}
    for app in apps:
        if app.notice_batch is not None:
            found[app.notice_batch.pk] = app.notice_batch
            out.setdefault(app.notice_batch.pk, []).append(app)
    result = []
    for pk, members in out.items():
        rows = [(a, notices.rule_label(a.rule), notices.clause_name(a), matter)
                for a, matter in zip(members, labels.record_matters(members), strict=True)]
        batch = found[pk]
        result.append(BatchRows(batch, notices.batch_number(batch), notices.period(batch), rows))
    return result


@login_required
def notice(request: HttpRequest) -> HttpResponse:
    return render(request, "applications/notice.html",
                  {"batches": batches(in_notice(request.user)),
                   "channel": notices.objection_channel()})


def _batch_items(request: HttpRequest, pk: int) -> tuple[NoticeBatch, list[Application]]:
    batch = get_object_or_404(NoticeBatch, pk=pk)
    apps = [a for a in in_notice(request.user) if a.notice_batch_id == batch.pk]
    if not apps:
        raise Http404("该批公示已结束，或其中已无公示中的项目")
    return batch, apps


@login_required
def notice_pdf(request: HttpRequest, batch: int) -> HttpResponse:
    found, apps = _batch_items(request, batch)
    body = notices.notice_pdf(found, apps, services.today())
    return _attachment(body, "application/pdf", f"notice-{found.year}-{found.number}.pdf")


@login_required
def notice_xlsx(request: HttpRequest, batch: int) -> HttpResponse:
    found, apps = _batch_items(request, batch)
    body = notices.notice_xlsx(found, apps, services.today())
    return _attachment(body, XLSX, f"notice-{found.year}-{found.number}.xlsx")


@login_required
def letter_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    app, refusal = _visible_application(request, pk)
    if refusal is not None:
        return refusal
    try:
        body = notices.letter_pdf(app)
    except ValueError as exc:
        return refused(request, str(exc), status=422)
    return _attachment(body, "application/pdf", f"approval-{app.pk}.pdf")
