"""免申即享 screening started from the web: the same per-applicant step as
`manage screen_proposals` (applications.screening), run in a background thread that records
its progress in a ScreeningJob row, so the page can show it and a rerun never duplicates a
proposal (the step skips what was applied for or proposed before)."""

from __future__ import annotations

import datetime as dt
import functools
import threading
import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import close_old_connections
from django.db.models import Count, Sum
from django.utils import timezone

from policyhub.applications import screening
from policyhub.applications.models import Proposal
from policyhub.audit.services import record
from policyhub.engine import InputError
from policyhub.locks import retry_while_busy
from policyhub.registry.models import Organisation, Person, Team
from policyhub.web.labels import rule_label
from policyhub.web.models import ScreeningJob

PROGRESS_EVERY = 10  # applicants between two progress writes


def running() -> ScreeningJob | None:
    return ScreeningJob.objects.filter(state=ScreeningJob.State.RUNNING).first()


def start(as_of: dt.date, actor: User) -> ScreeningJob:
    """A new job, run in the background (inline when settings.SCREENING_INLINE, for tests
    that cannot share their transaction with a thread)."""
    total = (Organisation.objects.count()
             + Person.objects.filter(events__isnull=False).distinct().count()
             + Team.objects.filter(events__isnull=False).distinct().count())
    job = ScreeningJob.objects.create(run=f"web-{as_of.isoformat()}-{uuid.uuid4().hex[:8]}",
                                      as_of=as_of, started_by=actor, total=total)
    record(actor, "applications.screening.start", None, run=job.run, as_of=as_of)
    if getattr(settings, "SCREENING_INLINE", False):
        run(job.pk)
    else:
        threading.Thread(target=_in_thread, args=(job.pk,), daemon=True).start()
    return job


def _in_thread(pk: int) -> None:
    try:
        run(pk)
    finally:
        close_old_connections()


def run(pk: int) -> None:
    job = ScreeningJob.objects.get(pk=pk)
    try:
        for applicant in screening._applicants():
            try:
                new, old = retry_while_busy(functools.partial(
                    screening._screen_one, applicant, job.as_of, job.run))
            except InputError:  # one applicant's bad facts must not stop the run
                job.problems = [*job.problems, f"{getattr(applicant, 'name', '')}：登记数据有误"]
                new, old = 0, 0
            job.done += 1
            job.created += new
            job.known += old
            if job.done % PROGRESS_EVERY == 0:
                retry_while_busy(lambda: job.save(update_fields=["done", "created", "known",
                                                          "problems"]))
        job.state = ScreeningJob.State.DONE
    except Exception:
        job.state = ScreeningJob.State.FAILED
        raise
    finally:
        job.finished_at = timezone.now()
        retry_while_busy(job.save)
        record(None, "applications.screening", None, run=job.run, as_of=job.as_of,
               created=job.created, already_known=job.known, state=job.state)


def by_clause(job: ScreeningJob) -> list[dict[str, Any]]:
    """The run's proposals by clause and rule: how many, how much."""
    rows = (Proposal.objects.filter(run=job.run).values("clause", "rule")
            .annotate(n=Count("pk"), amount=Sum("amount")).order_by("clause", "rule"))
    return [{**r, "label": rule_label(r["rule"])} for r in rows]
