"""Matters by their human labels on every list (issue 14): an application's or a proposal's
matter is the registry's record key (proj-1), the engine's `event-N` or `revenue-Y`; the
applications list, the 待办 queues, the 免申即享 list and its Excel name it by its event's
kind and day or its year — never the key, never "第N项事实"."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from policyhub.applications.models import Proposal
from policyhub.registry import facts
from policyhub.registry import services as registry
from policyhub.web import labels
from tests.personas import Personas
from tests.web_pages.conftest import Login
from tests.web_pages.helpers import draft, move

pytestmark = pytest.mark.django_db
PROJECT = "项目投资（2020年5月1日）"  # tests.web_pages.helpers.record_project's event


def _proposal(people: Personas, matter: str, rule: str = "P7.project") -> Proposal:
    return Proposal.objects.create(
        organisation=people.org, rule=rule, clause="二(七)", matter=matter,
        amount=Decimal("100000.00"), ceiling=True, explanation="筛查所得", decision={},
        run="test", events=[])


def _unlabelled_event(people: Personas) -> str:
    """A registry event without a matter of its own: the engine calls it `event-<index>`."""
    registry.record_event(None, people.org, "standard_led", dt.date(2020, 9, 1),
                          {"level": "national"})
    events = facts.request_for(people.org, as_of=dt.date(2021, 6, 7))["events"]
    index = next(i for i, e in enumerate(events) if e["type"] == "standard_led")
    return f"event-{index}"


def test_the_applications_list_names_a_registry_matter_by_its_event(
        login: Login, people: Personas) -> None:
    draft(people)
    text = login("applicant").get(reverse("applications:index")).text
    assert PROJECT in text
    assert "proj-1" not in text


def test_the_park_queue_shows_each_applications_matter(login: Login, people: Personas) -> None:
    move(draft(people), "submit", people.applicant)
    text = login("park_officer").get(reverse("web:todo")).text
    assert PROJECT in text and "proj-1" not in text


def test_a_numbered_event_is_named_by_its_kind_and_day_on_the_proposals_list(
        login: Login, people: Personas) -> None:
    _proposal(people, _unlabelled_event(people), rule="P6.standard")
    text = login("applicant").get(reverse("applications:proposals")).text
    assert "主导制定标准（2020年9月1日）" in text
    assert "项事实" not in text and "event-" not in text


def test_the_proposals_excel_names_a_revenue_year_as_the_list_does(
        login: Login, people: Personas) -> None:
    _proposal(people, "revenue-2020", rule="P4.milestone")
    page = login("bureau_officer").get(reverse("applications:proposals")).text
    sheet = load_workbook(io.BytesIO(
        login("bureau_officer").get(reverse("applications:proposals_xlsx")).content)).active
    assert sheet is not None
    matters = [row[4].value for row in sheet.iter_rows(min_row=2)]
    assert matters == ["2020年度主营业务收入"]
    assert "2020年度主营业务收入" in page


def test_a_key_whose_event_is_gone_is_named_by_its_rule() -> None:
    found = labels.matter_label("proj-gone", None, "P7.project")
    assert "proj-" not in found and found.endswith("事项")
