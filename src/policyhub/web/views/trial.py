"""政策试算 as a form (web.trial): the applicant's registered facts pre-filled from the
registry, hypothetical events added through per-type forms, the decision as a table of
awards with the Chinese explanation, the clause, what was not granted and why, and 申报此项
on a row the applicant could apply for. Nothing is saved. The request-as-JSON page stays at
/evaluate/json/ for those who work with the API contract."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_noop

from policyhub import clock
from policyhub.accounts.roles import organisation_ids
from policyhub.applications import permissions as app_permissions
from policyhub.engine import InputError, evaluate
from policyhub.registry import facts
from policyhub.registry.models import Organisation, RegistryEvent
from policyhub.registry.permissions import visible_organisations
from policyhub.web import decision, trial
from policyhub.web.labels import OPTION_READINGS, event_label

# Marked for the catalogue (gettext_noop), translated by the template ({% translate label %}).
KINDS = (("enterprise", gettext_noop("企业")),
         ("institute", gettext_noop("科研院所/研发机构")),
         ("platform_operator", gettext_noop("公共服务平台")), ("park", gettext_noop("园区")))
FLAGS = (("registered_in_changsha", gettext_noop("在长沙市注册")),
         ("taxed_in_changsha", gettext_noop("在长沙市纳税")),
         ("cybersecurity_business", gettext_noop("从事网络安全业务")))
MAX_ROWS = 30


@dataclass
class Row:
    """One event row of the form: its type, its fields with their values."""

    number: int
    kind: str
    label: str
    help: str
    fields: list[tuple[trial.Field, str]]


def _org(request: HttpRequest) -> Organisation | None:
    raw = request.POST.get("org") or request.GET.get("org") or ""
    visible = visible_organisations(request.user)
    if raw.isdigit():
        return visible.filter(pk=int(raw)).first()
    own = organisation_ids(request.user)
    return visible.filter(pk__in=own).first() if own else None


def _row(number: int, kind: str, values: dict[str, str]) -> Row:
    fields = [(f, values.get(f.name, "")) for f in trial.EVENT_TYPES[kind][0]]
    return Row(number, kind, trial.type_label(kind), trial.clause_help(kind), fields)


def _rows_from_post(data: QueryDict) -> list[Row]:
    rows: list[Row] = []
    for i in range(min(int(data.get("rows") or 0), MAX_ROWS)):
        kind = data.get(f"ev{i}-type", "")
        if kind not in trial.EVENT_TYPES or data.get(f"ev{i}-remove"):
            continue
        values = {f.name: data.get(f"ev{i}-{f.name}", "") for f in trial.EVENT_TYPES[kind][0]}
        rows.append(_row(len(rows) + 1, kind, values))
    added = data.get("add", "")
    if added in trial.EVENT_TYPES and len(rows) < MAX_ROWS:
        rows.append(_row(len(rows) + 1, added, {}))
    return rows


def _initial_rows(org: Organisation | None) -> list[Row]:
    if org is None:
        return []
    return [_row(i + 1, "annual_revenue", {"year": str(e["year"]), "amount": e["amount"]})
            for i, e in enumerate(facts.revenue_events(org))]


def _applicant(data: QueryDict | None, org: Organisation | None) -> dict[str, Any]:
    if data is None:
        if org is None:
            return {"kind": "enterprise", "name": "", "credit_code": "",
                    **{k: True for k, _ in FLAGS}}
        return {"kind": str(org.kind), "name": org.name, "credit_code": org.credit_code,
                **{k: getattr(org, k) for k, _ in FLAGS}}
    return {"kind": data.get("kind", "enterprise"), "name": data.get("name", "").strip(),
            "credit_code": data.get("credit_code", "").strip().upper(),
            **{k: bool(data.get(k)) for k, _ in FLAGS}}


def _apply_keys(request: HttpRequest, org: Organisation | None) -> set[str]:
    """rule|matter of what `org` could apply for on its registry facts, when the user may."""
    if org is None or not app_permissions.can_apply(request.user, org)[0]:
        return set()
    from policyhub.applications.models import Application
    from policyhub.applications.views import candidates

    # Not what it already applied for and is still being handled or was paid.
    taken = {f"{rule}|{matter}" for rule, matter in Application.objects.filter(
        organisation=org).exclude(state__in=("withdrawn", "refused"))
        .values_list("rule", "matter")}
    return {key for key, _label in candidates(org)} - taken


def _help_once(rows: list[Row]) -> list[Row]:
    """The clause's words under the first row of each type only (five revenue years, one
    quotation)."""
    seen: set[str] = set()
    for row in rows:
        if row.kind in seen:
            row.help = ""
        seen.add(row.kind)
    return rows


@login_required
def trial_page(request: HttpRequest) -> HttpResponse:
    org = _org(request)
    posted = request.POST if request.method == "POST" else None
    on_file = facts.registry_events(org) if org is not None else []
    chosen_ids = ({int(x) for x in posted.getlist("on_file") if x.isdigit()} if posted
                  else {e.pk for e in on_file})
    rows = _rows_from_post(posted) if posted else _initial_rows(org)
    options = {name: (posted.get(name) if posted else None) or default
               for name, default in (("dedup_scope", "matter"), ("milestone_jump", "highest"))}
    as_of = (posted.get("as_of") if posted else None) or clock.today().isoformat()
    context: dict[str, Any] = {
        "org": org, "applicant": _applicant(posted, org), "kinds": KINDS, "flags": FLAGS,
        "on_file": [(e, event_label(e.to_engine()), e.pk in chosen_ids) for e in on_file],
        "rows": _help_once(rows), "types": [(k, trial.type_label(k)) for k in trial.EVENT_TYPES],
        "options": options, "as_of": as_of, "option_choices": OPTION_READINGS,
        "organisations": (visible_organisations(request.user).order_by("name")[:300]
                          if not organisation_ids(request.user) else []),
    }
    if posted and posted.get("action") == "evaluate":
        context.update(_decide(request, org, on_file, chosen_ids, rows, context))
    return render(request, "web/evaluate/form.html", context)


def _decide(request: HttpRequest, org: Organisation | None, on_file: list[RegistryEvent],
            chosen_ids: set[int], rows: list[Row], context: dict[str, Any]) -> dict[str, Any]:
    problems: list[str] = []
    applicant = dict(context["applicant"])
    if not applicant["name"]:
        problems.append("申报主体名称：请填写")
    if not applicant["credit_code"]:
        problems.append("统一社会信用代码：请填写18位代码")
    events: list[dict[str, Any]] = []
    # Revenue rows first, then the registry's events: the order the registry's own request
    # uses (registry.facts.request_for), so matters line up with what can be applied for.
    revenue = [r for r in rows if r.kind == "annual_revenue"]
    others = [r for r in rows if r.kind != "annual_revenue"]
    for row in revenue:
        events.append(_event(row, problems))
    events += [e.to_engine() for e in on_file if e.pk in chosen_ids]
    for row in others:
        events.append(_event(row, problems))
    if problems:
        return {"form_problems": problems}
    if org is not None:
        applicant["id"] = facts.applicant_id(org)
    body = {"as_of": context["as_of"], "options": context["options"],
            "applicant": applicant, "events": [e for e in events if e]}
    try:
        result = evaluate(body, today=clock.today())
    except InputError as exc:
        return {"form_problems": [_chinese(p, body["events"]) for p in exc.problems]}
    keys = _apply_keys(request, org)
    new = reverse("applications:new")
    apply_urls = {}
    for award in result["awards"]:
        key = f"{award['rule']}|{award['matter']}"
        if award["status"] == "granted" and key in keys and org is not None:
            apply_urls[key] = f"{new}?applicant={facts.applicant_id(org)}&award={key}"
    return {"decision": decision.view(result, body["events"]), "apply_urls": apply_urls,
            "awards_raw": result["awards"]}


def _event(row: Row, problems: list[str]) -> dict[str, Any]:
    try:
        return trial.event_from(row.kind, {f.name: v for f, v in row.fields}, row.number)
    except trial.Problem as exc:
        problems.append(str(exc))
        return {}


FIELD_NAMES = {"as_of": "试算日期", "applicant.credit_code": "统一社会信用代码",
               "applicant.name": "申报主体名称", "applicant.kind": "主体类别"}


def _chinese(problem: dict[str, str], events: list[dict[str, Any]]) -> str:
    """The engine's problem about one field, named as the form names it."""
    path = problem.get("path", "")
    if path.startswith("events["):
        index = int(path[7:path.index("]")])
        what = (f"第{index + 1}项事实（{event_label(events[index])}）"
                if index < len(events) else f"第{index + 1}项事实")
        return f"{what}：填写有误，请核对"
    name = FIELD_NAMES.get(path, "填写内容")
    if path == "applicant.credit_code":
        return f"{name}：不是有效的统一社会信用代码（18位，末位为校验码）"
    return f"{name}：填写有误，请核对"
