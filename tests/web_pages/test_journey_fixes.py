"""What the browser walk of issue 14 found a clerk or an officer stumbling on: the header
names the unit a role is held for; finance's queue shows the approved amount it pays; a file
field speaks the page's language, not the browser's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from policyhub.applications import services
from tests.personas import Personas
from tests.web_pages.conftest import Login
from tests.web_pages.helpers import approved

pytestmark = pytest.mark.django_db


def test_the_header_names_the_park_a_park_officer_works_for(login: Login) -> None:
    text = login("park_officer").get(reverse("web:todo")).text
    assert '<span class="role-unit">长沙高新区管委会</span>' in text


def test_the_header_does_not_repeat_a_unit_the_role_already_names(login: Login) -> None:
    text = login("finance").get(reverse("web:todo")).text
    assert "市财政局经办人" in text and 'class="role-unit"' not in text


def test_finance_sees_the_approved_amount_it_is_to_pay(
        login: Login, people: Personas, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "today", lambda: dt.date(2021, 6, 16))
    app = approved(people)  # approved 1,500,000.00 under a 2,000,000.00 ceiling
    text = login("finance").get(reverse("web:todo")).text
    queue = text[text.index("已批准，待拨付"):]
    assert "批准金额（元）" in queue and "1,500,000.00" in queue
    assert app.entitled_amount is not None and app.entitled_amount != app.approved_amount


def test_a_file_field_is_worded_by_the_page(client: Client, people: Personas) -> None:
    text = client.get(reverse("login")).text
    assert 'data-file-choose="选择文件"' in text and "web/files.js" in text
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert 'data-file-choose="Choose file"' in client.get(reverse("login")).text


def test_the_history_names_the_park_and_department_that_moved_it(
        login: Login, people: Personas) -> None:
    from tests.web_pages.helpers import draft, move

    app = move(move(move(draft(people), "submit", people.applicant), "accept",
                    people.park_officer), "review", people.reviewer)
    text = login("applicant").get(reverse("applications:detail", args=[app.pk])).text
    history = text[text.index("流转记录"):]
    assert "长沙高新区管委会" in history and app.department.name in history
    assert "<td>园区管委会</td>" not in history and "<td>责任部门</td>" not in history


def test_a_reminders_recipient_is_named_not_only_addressed(
        login: Login, people: Personas, settings: object) -> None:
    settings.DEMO_TODAY = dt.date(2021, 12, 31)  # type: ignore[attr-defined]
    people.reviewer.email = "reviewer@example.invalid"
    people.reviewer.first_name = "陈静"
    people.reviewer.save()
    page = login("bureau_officer").get("/todo/reminders/").text
    assert "陈静（reviewer@example.invalid）" in page


def test_the_new_application_choices_read_without_codes(
        login: Login, people: Personas, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.web_pages.helpers import DAY

    monkeypatch.setattr(services, "today", lambda: DAY)
    text = login("applicant").get(reverse("applications:new")).text
    assert "项目投资（2020年5月1日） · 上限2,000,000.00元" in text
    assert "project_investment" not in text and "2000000.00元" not in text
