"""公示名单 (page, PDF with the CJK font, Excel whose amounts read back exactly) and the
核定通知书 PDF of an approved application."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from policyhub.applications import notices
from policyhub.web.excel import read_money
from policyhub.web.pdf import cjk_font_installed
from tests.pdf import embeds_noto_cjk, fonts, text
from tests.personas import Personas
from tests.web_pages.conftest import Login
from tests.web_pages.helpers import approved, draft, in_notice

AMOUNT = Decimal("1234567.89")
needs_font = pytest.mark.skipif(not cjk_font_installed(),
                                reason="run scripts/ensure-browsers (installs fonts-noto-cjk)")


@pytest.mark.parametrize("persona", ["applicant", "outsider", "finance", "auditor"])
def test_every_logged_in_user_sees_the_notice_list(
        login: Login, people: Personas, today: object, persona: str) -> None:
    app = in_notice(people, AMOUNT)
    text = login(persona).get(reverse("applications:notice")).text
    assert people.org.name in text and "1,234,567.89" in text
    assert reverse("applications:detail", args=[app.pk]) in text


def test_drafts_are_not_on_the_notice_list(login: Login, people: Personas) -> None:
    draft(people)
    assert "目前没有公示中的项目" in login("auditor").get(reverse("applications:notice")).text


@needs_font
def test_the_notice_pdf_embeds_the_cjk_font_and_lists_the_application(
        login: Login, people: Personas, today: object) -> None:
    app = in_notice(people, AMOUNT)
    response = login("outsider").get(reverse("applications:notice_pdf",
                                             args=[app.notice_batch_id]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert embeds_noto_cjk(response.content), fonts(response.content)
    found = text(response.content)
    assert people.org.name in found and "1,234,567.89" in found


def test_the_notice_excel_round_trips_the_amounts(
        login: Login, people: Personas, today: object) -> None:
    app = in_notice(people, AMOUNT)
    response = login("applicant").get(reverse("applications:notice_xlsx",
                                              args=[app.notice_batch_id]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == list(notices.NOTICE_HEADERS)
    assert rows[1][0] == app.pk and rows[1][1] == people.org.name
    assert read_money(rows[1][notices.AMOUNT_COLUMN]) == AMOUNT


@needs_font
def test_the_approval_letter_cites_the_clause_and_amount(
        login: Login, people: Personas, today: object) -> None:
    app = approved(people, AMOUNT)
    found = notices.letter(app)
    assert found.amount == AMOUNT and found.amount_text == "1,234,567.89" and not found.objected
    assert found.citation.startswith("《长沙市加快网络安全产业发展若干政策》二(七)")
    response = login("applicant").get(reverse("applications:letter", args=[app.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert embeds_noto_cjk(response.content), fonts(response.content)
    found = text(response.content)
    assert "核定通知书" in found and "1,234,567.89" in found and "二(七)" in found


def test_there_is_no_letter_before_approval(
        login: Login, people: Personas, today: object) -> None:
    app = in_notice(people)
    response = login("applicant").get(reverse("applications:letter", args=[app.pk]))
    assert response.status_code == 422
    assert "尚未批准" in response.text


def test_an_outsider_gets_no_letter(login: Login, people: Personas, today: object) -> None:
    app = approved(people)
    client = login("outsider")
    response = client.get(reverse("applications:letter", args=[app.pk]))
    missing = client.get(reverse("applications:letter", args=[app.pk + 1000]))
    assert response.status_code == missing.status_code == 404  # as if there were none
    assert response.content == missing.content and "您无权查看该申报" not in response.text
