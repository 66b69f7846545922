"""行动计划监测 pages: all targets, one target, one unit (with its report form), exports.

Thin callers of plan.progress, plan.schedule and plan.services; who may see is
plan.permissions.can_view, and a refusal is shown (403) and audited.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from policyhub import clock
from policyhub.audit.services import record
from policyhub.plan import exports, permissions, schedule, services
from policyhub.plan.forms import ReportForm
from policyhub.plan.models import Report, Target, Task
from policyhub.plan.progress import grouped, progress_of, progress_report
from policyhub.units.models import Unit
from policyhub.web.edges import day_param
from policyhub.web.tables import paginate

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


SOURCES_PER_PAGE = 50  # a target's source records, one page at a time


def as_of_param(request: HttpRequest) -> dt.date:
    """?as_of=YYYY-MM-DD, or today (policyhub.clock) when absent; a 400 page
    (web.edges.BadInput) when it is not a date or lies outside 2019-01-01 … 2100-12-31."""
    return day_param(request.GET.get("as_of", ""), "统计日期") or clock.today()


def _refused(request: HttpRequest, reason: str, what: str) -> HttpResponse:
    record(request.user, "plan.read", allowed=False, reason=reason, page=what)
    return render(request, "plan/refused.html", {"reason": reason}, status=403)


def _guard(request: HttpRequest, what: str) -> HttpResponse | None:
    allowed, reason = permissions.can_view(request.user)
    return None if allowed else _refused(request, reason, what)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    if (refused := _guard(request, "index")) is not None:
        return refused
    as_of = as_of_param(request)
    rows = progress_report(as_of)
    due = schedule.by_unit(schedule.obligations(as_of))
    return render(request, "plan/index.html", {
        "as_of": as_of, "groups": grouped(rows), "summary": exports.summary(rows),
        "due": due, "tasks": Task.objects.prefetch_related("lead_units", "responsible_units")})


@login_required
def target_detail(request: HttpRequest, code: str) -> HttpResponse:
    if (refused := _guard(request, f"target:{code}")) is not None:
        return refused
    target = get_object_or_404(Target.objects.select_related("lead_unit", "task"), code=code)
    as_of = as_of_param(request)
    progress = progress_of(target, as_of)
    return render(request, "plan/target.html", {
        "as_of": as_of, "target": target, "p": progress,
        "sources": paginate(request, progress.sources, SOURCES_PER_PAGE),
        "reports": target.reports.select_related("unit", "reporter").latest_first()})


def collective_codes(unit: Unit) -> list[str]:
    """The collective units a unit belongs to: a park to 各园区管委会, a district to
    各区县(市)人民政府, a city department to 市直各部门 (tasks name them so)."""
    return {"park": ["all-parks"], "district": ["all-districts"],
            "government": ["city-departments"], "party": ["city-departments"]}.get(unit.kind, [])


def unit_tasks(unit: Unit) -> tuple[list[Task], list[Task]]:
    tasks = Task.objects.prefetch_related("lead_units", "responsible_units")
    mine = Q(pk=unit.pk) | Q(code__in=collective_codes(unit))
    led = list(tasks.filter(lead_units__in=Unit.objects.filter(mine)).distinct())
    resp = list(tasks.filter(responsible_units__in=Unit.objects.filter(mine)).distinct())
    return led, resp


def _unit_context(unit: Unit, as_of: dt.date, form: ReportForm) -> dict[str, Any]:
    led, responsible = unit_tasks(unit)
    targets = Target.objects.filter(lead_unit=unit).select_related("lead_unit", "task")
    return {"unit": unit, "as_of": as_of, "led": led, "responsible": responsible,
            "progress": [progress_of(t, as_of) for t in targets],
            "obligations": schedule.obligations(as_of, unit), "form": form}


@login_required
def unit_page(request: HttpRequest, code: str) -> HttpResponse:
    if (refused := _guard(request, f"unit:{code}")) is not None:
        return refused
    unit = get_object_or_404(Unit, code=code)
    as_of = as_of_param(request)
    reportable = Target.objects.filter(lead_unit=unit, indicator="")
    form = ReportForm(request.POST or None, request.FILES or None, targets=reportable,
                      initial={"as_of": request.GET.get("period_end") or as_of})
    if request.method == "POST" and form.is_valid():
        try:
            # login_required: request.user is a User here, not AnonymousUser
            services.submit_report(request.user, form.cleaned_data["target"], unit,  # type: ignore[arg-type]
                                   value=form.cleaned_data["value"],
                                   as_of=form.cleaned_data["as_of"],
                                   evidence=form.cleaned_data["evidence"],
                                   note=form.cleaned_data["note"])
        except services.Refused as refusal:
            return render(request, "plan/refused.html", {"reason": refusal.reason}, status=403)
        messages.success(request, "已报送。")
        return redirect("plan:unit", code=unit.code)
    status = 400 if request.method == "POST" else 200
    return render(request, "plan/unit.html", _unit_context(unit, as_of, form), status=status)


@login_required
def evidence(request: HttpRequest, pk: int) -> HttpResponse | FileResponse:
    if (refused := _guard(request, f"evidence:{pk}")) is not None:
        return refused
    report = get_object_or_404(Report, pk=pk)
    name = (report.evidence.name or "").rsplit("/", 1)[-1]
    return FileResponse(report.evidence.open("rb"), as_attachment=True, filename=name)


@login_required
def export_excel(request: HttpRequest) -> HttpResponse:
    if (refused := _guard(request, "export.xlsx")) is not None:
        return refused
    as_of = as_of_param(request)
    response = HttpResponse(exports.excel(as_of), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="plan-progress-{as_of}.xlsx"'
    return response


@login_required
def export_pdf(request: HttpRequest) -> HttpResponse:
    if (refused := _guard(request, "export.pdf")) is not None:
        return refused
    as_of = as_of_param(request)
    response = HttpResponse(exports.pdf(as_of), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="plan-progress-{as_of}.pdf"'
    return response
