"""导入任务 pages: one job's progress (polled with HTMX) ending in its result, and the list of
the user's jobs. Another user's job answers 404 like a job that does not exist (its existence
is not revealed); the administrator and the auditor see every job (imports.jobs)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from policyhub.imports import jobs, kinds
from policyhub.imports.models import ImportJob
from policyhub.registry import rejected
from policyhub.web.tables import paginate

ERRORS_PER_PAGE = 50


def _label(key: str) -> str:
    kind = kinds.get(key)
    # Kinds keep their Chinese label (marked with gettext_noop where declared): translated here.
    return _(kind.label) if kind is not None else _("已停用的导入类型")


def _back(key: str) -> str:
    kind = kinds.get(key)
    try:
        return reverse(kind.page) if kind is not None and kind.page else ""
    except NoReverseMatch:
        return ""


def _context(request: HttpRequest, job: ImportJob) -> dict[str, Any]:
    context: dict[str, Any] = {"job": job, "label": _label(job.kind), "back": _back(job.kind)}
    kept = jobs.errors_of(job) if job.state == ImportJob.State.FAILED else None
    if kept is not None:
        errors = rejected.errors_of(kept)
        context.update(errors=errors, bad_rows=len({e.row for e in errors}),
                       error_page=paginate(request, errors, ERRORS_PER_PAGE),
                       with_values=True,
                       error_token=job.error_token if request.user.pk == job.started_by_id
                       else "")
    elif job.error_token:
        context["expired"] = True
    return context


@login_required
def job_page(request: HttpRequest, pk: int) -> HttpResponse:
    polled = request.headers.get("HX-Request") == "true"
    try:
        job = get_object_or_404(jobs.visible_jobs(request.user), pk=pk)
        return render(request, "imports/_job.html" if polled else "imports/job.html",
                      _context(request, job))
    except OperationalError:
        if not polled:
            raise
        # SQLite busy with the job's own write: keep what is shown, ask again next second.
        return HttpResponse(status=204)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    page: Page[ImportJob] = paginate(request, jobs.visible_jobs(request.user)
                                     .select_related("started_by"))
    rows = [(job, _label(job.kind)) for job in page]
    return render(request, "imports/index.html", {"page": page, "rows": rows,
                                                  "all_users": jobs.can_see_all(request.user)})
