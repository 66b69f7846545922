"""The action-plan monitor's demo (policyhub.demo.monitor, docs/demo.md): a believable
2021 picture, reachable from the site navigation and readable in English.

The demo is loaded once for the module (inside a transaction rolled back at its end); each
test runs in a savepoint of it."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from policyhub.audit.services import verify
from policyhub.centres.adaptation.models import Adaptation
from policyhub.centres.events.models import Prize
from policyhub.centres.testing.models import EvaluationOrder
from policyhub.demo import loader as demo
from policyhub.ledger.checks import problems
from policyhub.plan import schedule
from policyhub.plan.models import Report
from policyhub.plan.progress import Status, progress_report
from policyhub.registry.models import RegistryEvent
from policyhub.web import nav

pytestmark = pytest.mark.django_db

END_OF_PLAN = dt.date(2021, 12, 31)


@pytest.fixture(scope="module", autouse=True)
def loaded(django_db_setup: None, django_db_blocker: Any,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[demo.Summary]:
    media: Path = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield demo.load(organisations=120)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def statuses() -> dict[str, Status]:
    return {p.target.code: p.status for p in progress_report(END_OF_PLAN)}


def test_the_end_of_the_plan_shows_targets_met_at_risk_and_behind() -> None:
    found = statuses()
    counts = Counter(found.values())
    assert counts[Status.MET] >= 1 and counts[Status.BEHIND] >= 1
    assert counts[Status.AT_RISK] + counts[Status.ON_TRACK] >= 1
    assert Status.NO_DATA not in counts  # every reported target has reports
    assert found["pk-adaptations"] == Status.MET  # 500项以上软硬件适配
    assert found["evaluation-services"] == Status.MET  # 150次以上测评服务
    assert found["office-terminals-replaced"] == Status.BEHIND  # 超过80%: not reached


def test_the_centres_hold_a_few_hundred_records_with_failures_and_pending_orders() -> None:
    assert Adaptation.objects.count() >= 500
    assert Adaptation.objects.filter(result="failed").exists()
    assert EvaluationOrder.objects.count() >= 100
    assert EvaluationOrder.objects.filter(completed_on__isnull=True).exists()
    assert Adaptation.objects.filter(tested_on__gt=END_OF_PLAN).count() == 0


def test_reports_come_from_the_lead_unit_and_some_quarters_are_overdue() -> None:
    for report in Report.objects.select_related("target", "reporter"):
        assert report.unit_id == report.target.lead_unit_id
        assert report.reporter.roles.filter(unit=report.unit).exists()
    overdue = [u for u in schedule.by_unit(schedule.obligations(dt.date(2022, 1, 31)))
               if u.overdue]
    assert overdue
    out = StringIO()
    call_command("remind", "--as-of", "2022-01-31", stdout=out)
    assert "逾期未报" in out.getvalue()
    assert any(u.unit.name in out.getvalue() for u in overdue)


def test_a_competition_prize_is_a_registry_event() -> None:
    prize = Prize.objects.select_related("registry_event").first()
    assert prize is not None and prize.registry_event is not None
    event = prize.registry_event
    assert event.type == "competition_prize" and event.matter == prize.matter
    assert RegistryEvent.objects.filter(type="competition_prize",
                                        matter__startswith="长城杯").count() \
        == Prize.objects.count()


def test_the_audit_chain_verifies_and_the_books_balance() -> None:
    assert verify().ok
    assert problems() == []


def test_the_plan_and_the_centres_are_in_the_navigation() -> None:
    urls = {str(link.label): link.url() for link in nav.NAVIGATION}
    assert urls["行动计划监测"] in (reverse("plan:index"), "/dashboard/")
    assert urls["服务中心"] is not None and urls["服务中心"].startswith("/centres/")
    assert urls["PK实施清单"] == reverse("centres_adaptation:catalogue")


def test_a_plan_page_reads_in_english() -> None:
    client = Client()
    client.force_login(User.objects.get(username="auditor"))
    response = client.get(reverse("plan:index") + "?as_of=2021-12-31",
                          headers={"accept-language": "en"})
    assert response.status_code == 200
    text = response.text
    assert 'lang="en"' in text
    for label in ("Action plan monitor", "Service centres", "PK catalogue"):
        assert label in text, label
    assert "行动计划监测</a>" not in text
