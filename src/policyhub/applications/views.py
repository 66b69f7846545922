"""申报审核 pages: the list, one application with its workflow moves, the new-application form,
免申即享 proposals, the 公示名单 (page, PDF, Excel) and the 核定通知书 PDF.

Thin callers: lists are `permissions.visible`, every move is `services.transition` (which
checks, audits and explains refusals), documents are `notices`. A refusal shows its reason:
403 when the user may not act at all, 422 when the move breaks a workflow rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from policyhub.applications import notices, permissions, services, workflow
from policyhub.applications.errors import Refused
from policyhub.applications.models import Application, Proposal
from policyhub.engine import InputError, evaluate, meta
from policyhub.registry import facts
from policyhub.registry.models import Organisation
from policyhub.registry.permissions import visible_organisations
from policyhub.units.models import Unit
from policyhub.web import decision
from policyhub.web.refusals import refused as web_refused
from policyhub.web.tables import paginate

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def refused(request: HttpRequest, reason: str, *, status: int = 403,
            action: str = "", obj: Any = None) -> HttpResponse:
    """The reason shown with its status; `action` also audits it (services audit their own)."""
    return web_refused(request, reason, status=status, action=action, obj=obj,
                       template="applications/refused.html")


def _status(exc: Refused) -> int:
    return 403 if exc.permission else 422


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
                              choices=[("", "—"), *workflow.choices()])
    clause = forms.ChoiceField(label=_("条款"), required=False, choices=_clause_choices)
    park = forms.ModelChoiceField(label=_("受理园区"), required=False,
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
    qs = (permissions.visible(request.user).select_related("organisation", "park", "department")
          .defer("decision", "events", "explanation"))
    page: Page[Application] = paginate(request, form.apply(qs))
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


def history(app: Application) -> list[HistoryRow]:
    return [HistoryRow(r.at, move_label(r.name, r.source),
                       workflow.state(r.source).zh if r.source else "",
                       workflow.state(r.target).zh,
                       r.actor.get_username() if r.actor else "系统",
                       workflow.ROLE_LABELS.get(r.role, r.role), r.reason, r.amount)
            for r in app.history.select_related("actor")]


def _engine_view(app: Application) -> decision.DecisionView | None:
    engine = (app.decision or {}).get("engine")
    return decision.view(engine) if engine else None


def _detail_context(request: HttpRequest, app: Application) -> dict[str, Any]:
    return {"app": app, "state": workflow.state(app.state),
            "rule_label": notices.rule_label(app.rule), "history": history(app),
            "actions": actions(app, request.user), "decision": _engine_view(app),
            "has_letter": app.state in notices.LETTER_STATES}


def _visible_application(request: HttpRequest, pk: int
                         ) -> tuple[Application, HttpResponse | None]:
    app = get_object_or_404(
        Application.objects.select_related("organisation", "park", "department"), pk=pk)
    allowed, reason = permissions.can_view(request.user, app)
    if allowed:
        return app, None
    return app, refused(request, reason, action="applications.view", obj=app)


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


@login_required
@require_POST
def transition(request: HttpRequest, pk: int) -> HttpResponse:
    app = get_object_or_404(Application, pk=pk)
    name = request.POST.get("transition", "")
    try:
        moved = services.transition(app, name, request.user,
                                    reason=request.POST.get("reason") or None,
                                    amount=_amount(request.POST.get("amount", "")))
    except Refused as exc:
        app.refresh_from_db()
        return _move_refused(request, app, exc)
    return _moved(request, moved, workflow.MOVE_LABELS.get(name, name))


# --- new application -------------------------------------------------------------------------


def applicable_organisations(user: Any) -> list[Organisation]:
    """The organisations `user` may apply for (permissions.can_apply)."""
    return [o for o in visible_organisations(user).select_related("park")
            if permissions.can_apply(user, o)[0]]


def _events_text(request_events: list[dict[str, Any]], indexes: list[int]) -> str:
    labels = []
    for i in indexes:
        if 0 <= i < len(request_events):
            event = request_events[i]
            labels.append(f"{event.get('type', '')} {event.get('date', event.get('year', ''))}")
    return "，".join(labels)


def candidates(org: Organisation) -> list[tuple[str, str]]:
    """What the engine grants `org` on its registry facts today: (rule|matter, label)."""
    request = facts.request_for(org, as_of=services.today())
    try:
        result = evaluate(request)
    except InputError:
        return []
    out = []
    for award in result["awards"]:
        if award["status"] != "granted":
            continue
        word = "上限" if award["ceiling"] else "核定"
        basis = _events_text(request["events"], list(award.get("events", [])))
        out.append((f"{award['rule']}|{award['matter']}",
                    f"{notices.rule_label(award['rule'])}（{award['clause']}）· 事项 "
                    f"{award['matter']} · {word}{award['amount']}元 · 依据：{basis}"))
    for item in result["discretionary"]:
        out.append((f"{item['rule']}|{item['matter']}",
                    f"{notices.rule_label(item['rule'])}（一事一议）· 事项 {item['matter']}"))
    return out


class ApplyForm(forms.Form):
    organisation = forms.TypedChoiceField(label=_("申报主体"), coerce=int)
    award = forms.ChoiceField(label=_("申报事项（按登记事实核定）"))
    requested_amount = forms.DecimalField(label=_("申请金额（元，可不填）"), required=False,
                                          min_value=Decimal("0.01"), decimal_places=2,
                                          max_digits=14)

    def __init__(self, data: Any, orgs: list[Organisation], org: Organisation) -> None:
        super().__init__(data, initial={"organisation": org.pk})
        self.set_choices("organisation", [(o.pk, o.name) for o in orgs])
        self.set_choices("award", candidates(org))

    def set_choices(self, name: str, choices: list[Any]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices


def _chosen(orgs: list[Organisation], raw: str | None) -> Organisation:
    by_pk = {str(o.pk): o for o in orgs}
    return by_pk.get(raw or "", orgs[0])


@login_required
def new(request: HttpRequest) -> HttpResponse:
    orgs = applicable_organisations(request.user)
    if not orgs:  # the permission's own reason, asked about an organisation of nobody's
        reason = permissions.can_apply(request.user, Organisation())[1]
        return refused(request, reason, action="applications.apply")
    org = _chosen(orgs, request.POST.get("organisation") or request.GET.get("organisation"))
    form = ApplyForm(request.POST or None, orgs, org)
    context: dict[str, Any] = {"form": form, "org": org}
    if request.method == "POST" and form.is_valid():
        rule, _sep, matter = form.cleaned_data["award"].partition("|")
        try:
            app = services.apply(org, rule, matter, request.user, events=[],
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


@login_required
def proposals(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") or Proposal.Status.OPEN
    qs = Proposal.objects.filter(status=status).select_related("organisation")
    orgs = permissions.proposal_organisations(request.user)
    if orgs is not None:
        qs = qs.filter(organisation_id__in=orgs)
    page: Page[Proposal] = paginate(request, qs)
    rows = [ProposalRow(p, notices.rule_label(p.rule),
                        p.status == Proposal.Status.OPEN
                        and permissions.can_act_for(request.user, p.organisation_id)[0])
            for p in page]
    return render(request, "applications/proposals.html",
                  {"page": page, "rows": rows, "status": status,
                   "statuses": Proposal.Status.choices})


@login_required
@require_POST
def confirm_proposal(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(Proposal, pk=pk)
    try:
        app = services.confirm_proposal(proposal, request.user)
    except Refused as exc:
        return refused(request, exc.reason, status=_status(exc))
    messages.success(request, f"已确认免申即享，申报编号{app.pk}进入责任部门审核")
    return redirect("applications:detail", pk=app.pk)


# --- 公示名单 and 核定通知书 -------------------------------------------------------------------


def in_notice(user: Any) -> list[Application]:
    qs = permissions.visible(user).filter(state="notice")
    return list(qs.select_related("organisation").order_by("notice_ends_on", "pk"))


@login_required
def notice(request: HttpRequest) -> HttpResponse:
    apps = in_notice(request.user)
    rows = [(a, notices.rule_label(a.rule)) for a in apps]
    return render(request, "applications/notice.html", {"rows": rows})


@login_required
def notice_pdf(request: HttpRequest) -> HttpResponse:
    body = notices.notice_pdf(in_notice(request.user), services.today())
    return _attachment(body, "application/pdf", "notice.pdf")


@login_required
def notice_xlsx(request: HttpRequest) -> HttpResponse:
    return _attachment(notices.notice_xlsx(in_notice(request.user)), XLSX, "notice.xlsx")


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
