"""免申即享筛查 from the web: only the industry bureau starts it; a run proposes what nobody
applied for, reports by clause, and a rerun creates nothing new; reminders are sent."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail

from policyhub.applications.models import Proposal
from policyhub.audit.models import AuditEntry
from policyhub.plan import schedule
from policyhub.web.models import ScreeningJob
from tests.personas import Personas

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def inline(settings: Any) -> None:
    settings.SCREENING_INLINE = True  # the test's transaction is not visible to a thread


def test_the_bureau_screens_from_the_web_and_a_rerun_never_duplicates(
        login: Any, people: Personas, today: Any) -> None:
    client = login("bureau_officer")
    assert client.get("/todo/screening/").status_code == 200
    first = client.post("/todo/screening/start/", {"as_of": "2021-06-07"}, follow=True)
    job = ScreeningJob.objects.get()
    assert job.state == "done" and job.done == job.total > 0
    assert job.created == Proposal.objects.count() >= 1  # the applicant's 二(七) project
    page = first.content.decode()
    assert "重点项目建设资金补助" in page and "新生成建议 1 条" in page
    client.post("/todo/screening/start/", {"as_of": "2021-06-07"})
    second = ScreeningJob.objects.order_by("-pk").first()
    assert second is not None and second.created == 0 and second.known == 1
    assert Proposal.objects.count() == 1


@pytest.mark.parametrize("who", ["applicant", "reviewer", "finance", "auditor", "outsider"])
def test_nobody_else_may_start_it(login: Any, people: Personas, who: str) -> None:
    client = login(who)
    assert client.post("/todo/screening/start/", {"as_of": "2021-06-07"}).status_code == 403
    assert client.get("/todo/reminders/").status_code == 403
    assert ScreeningJob.objects.count() == 0


def test_a_bad_day_is_named_and_starts_nothing(login: Any, people: Personas) -> None:
    page = login("bureau_officer").post("/todo/screening/start/", {"as_of": "2021-13-01"},
                                        follow=True).content.decode()
    assert "筛查基准日" in page and ScreeningJob.objects.count() == 0


def test_reminders_page_lists_units_and_sends_mail(login: Any, people: Personas,
                                                   settings: Any) -> None:
    settings.DEMO_TODAY = dt.date(2021, 12, 31)
    client = login("bureau_officer")
    page = client.get("/todo/reminders/").content.decode()
    assert "逾期未报" in page
    units = schedule.by_unit(schedule.obligations(settings.DEMO_TODAY))
    assert units and all(entry.unit.name in page for entry in units)
    people.reviewer.email = "reviewer@example.invalid"
    people.reviewer.save()
    client.post("/todo/reminders/")
    entry = AuditEntry.objects.get(action="plan.remind")
    assert entry.payload["units"] == len(units)
    assert [m.to for m in mail.outbox if "市工业和信息化局" in m.subject] == [
        ["reviewer@example.invalid"]]
