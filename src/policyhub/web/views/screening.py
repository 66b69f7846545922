"""免申即享筛查 and 报送提醒 from the web, for the industry bureau: start a screening run over
the whole registry (background, with progress, summary by clause) and send the overdue
action-plan report reminders that `manage remind --mail` sends."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from policyhub import clock
from policyhub.accounts.models import Role
from policyhub.audit.services import record
from policyhub.plan import schedule
from policyhub.plan.management.commands.remind import message, staff_emails
from policyhub.web import access, screening_jobs
from policyhub.web.models import ScreeningJob
from policyhub.web.refusals import refused

REFUSAL = "免申即享筛查和报送提醒由市工业和信息化局经办人发起。"


def _guard(request: HttpRequest, action: str) -> HttpResponse | None:
    if Role.BUREAU_OFFICER in access.roles(request.user):
        return None
    return refused(request, REFUSAL, action=action)


@login_required
def screening_page(request: HttpRequest) -> HttpResponse:
    if (no := _guard(request, "applications.screening.view")) is not None:
        return no
    return render(request, "web/screening/index.html", {
        "today": clock.today(), "jobs": ScreeningJob.objects.all()[:10],
        "running": screening_jobs.running()})


@login_required
@require_POST
def screening_start(request: HttpRequest) -> HttpResponse:
    if (no := _guard(request, "applications.screening.start")) is not None:
        return no
    if (busy := screening_jobs.running()) is not None:
        messages.error(request, "已有一次筛查正在进行，请等待其完成。")
        return redirect("web:screening_job", pk=busy.pk)
    try:
        as_of = dt.date.fromisoformat(request.POST.get("as_of") or clock.today().isoformat())
    except ValueError:
        messages.error(request, "筛查基准日：请填写日期（年-月-日）")
        return redirect("web:screening")
    user = request.user
    assert isinstance(user, User)
    job = screening_jobs.start(as_of, user)
    return redirect("web:screening_job", pk=job.pk)


@login_required
def screening_job(request: HttpRequest, pk: int) -> HttpResponse:
    if (no := _guard(request, "applications.screening.view")) is not None:
        return no
    polled = request.headers.get("HX-Request") == "true"
    try:
        job = get_object_or_404(ScreeningJob, pk=pk)
        context: dict[str, Any] = {
            "job": job,
            "clauses": screening_jobs.by_clause(job) if job.state != "running" else []}
        return render(request, "web/screening/_progress.html" if polled
                      else "web/screening/job.html", context)
    except OperationalError:
        if not polled:
            raise
        # SQLite busy with the run's own write: keep what is shown, ask again next second.
        return HttpResponse(status=204)


def recipients(unit: Any) -> list[str]:
    """Who a unit's reminder goes to, by name with the address: 李晓燕（li@…）."""
    from policyhub.accounts.models import RoleAssignment

    users = {a.user for a in RoleAssignment.objects.filter(unit=unit).select_related("user")
             if a.user.email and a.user.is_active}
    return sorted(f"{u.get_full_name()}（{u.email}）" if u.get_full_name() else u.email
                  for u in users)


@login_required
def reminders(request: HttpRequest) -> HttpResponse:
    if (no := _guard(request, "plan.remind.view")) is not None:
        return no
    today = clock.today()
    found = schedule.by_unit(schedule.obligations(today))
    if request.method == "POST":
        from django.conf import settings
        from django.core.mail import send_mail

        sent = 0
        for entry in found:
            to = staff_emails(entry.unit)
            if to:
                send_mail(f"【行动计划监测】{entry.unit.name}数据报送提醒", message(entry, today),
                          settings.DEFAULT_FROM_EMAIL, to)
                sent += 1
        record(request.user, "plan.remind", None, units=len(found), sent=sent,
               as_of=today.isoformat())
        messages.success(request, f"已向 {sent} 个单位发送报送提醒"
                                  f"（共 {len(found)} 个单位有待报事项）。")
        return redirect("web:reminders")
    rows = [(entry, recipients(entry.unit)) for entry in found]
    return render(request, "web/screening/reminders.html", {"rows": rows, "today": today})
