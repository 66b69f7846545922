"""The 公示名单 as published: one document per notice batch, only what is still in notice,
laid out for Chinese names (rendered to PNG, text positions read back), the objection channel
and the 文号; the Excel file with the same rows."""

from __future__ import annotations

import datetime as dt
import io
import math
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from policyhub.applications import notices, numbering
from policyhub.applications.models import Application, NoticeBatch
from policyhub.registry.models import Organisation
from policyhub.web.excel import read_money
from policyhub.web.pdf import cjk_font_installed
from tests.documents import fonts, needs_poppler, pages, pngs
from tests.personas import Personas, organisation, unit
from tests.web_pages.conftest import Login
from tests.web_pages.helpers import DAY, in_notice, move, record_project

pytestmark = [needs_poppler, pytest.mark.skipif(
    not cjk_font_installed(), reason="run scripts/ensure-browsers (installs fonts-noto-cjk)")]

LONG_NAME = "湖南长沙麓谷国家网络安全产业园信息技术应用创新研究院有限责任公司"
AMOUNT = Decimal("1234567.89")


def _batch_of(people: Personas, rows: int) -> tuple[NoticeBatch, list[Application]]:
    """`rows` applications in one batch, made straight in the tables (the layout is what
    these tests check; the workflow tests make notices through transition())."""
    batch = numbering.notice_batch(DAY, dt.date(2021, 6, 15))
    orgs = [people.org, organisation(LONG_NAME)]
    apps = []
    for n in range(rows):
        org = orgs[n % 2]
        record_project(org, f"proj-{n}")
        apps.append(Application.objects.create(
            organisation=org, rule="P7.project", clause="二(七)", reference="政策/二/(七)",
            matter=f"proj-{n}", state="notice", approved_amount=AMOUNT + n,
            department=unit("miit"),
            notice_starts_on=batch.starts_on, notice_ends_on=batch.ends_on,
            notice_batch=batch, created_by=people.admin))
    return batch, apps


def test_one_document_per_batch_with_its_own_period_and_number(
        login: Login, people: Personas, today: object) -> None:
    first = in_notice(people, AMOUNT)
    other = organisation("长沙云盾数据科技有限公司")
    record_project(other, "proj-2")
    from policyhub.applications import services

    later_day = DAY + dt.timedelta(days=1)
    app = services.apply(other, "P7.project", "proj-2", people.park_officer, on=later_day)
    app = move(app, "submit", people.park_officer, later_day)
    app = move(app, "accept", people.park_officer, later_day)
    app = move(app, "review", people.reviewer, later_day, amount=Decimal("1000.00"))
    second = move(app, "final_review", people.bureau_officer, later_day)
    assert first.notice_batch is not None and second.notice_batch is not None
    assert first.notice_batch != second.notice_batch
    assert (first.notice_batch.year, first.notice_batch.number) == (2021, 1)
    assert (second.notice_batch.year, second.notice_batch.number) == (2021, 2)
    page = login("outsider").get(reverse("applications:notice")).text
    assert "长工信公示〔2021〕1号" in page and "长工信公示〔2021〕2号" in page
    assert "2021年6月7日至2021年6月15日" in page and "2021年6月8日至2021年6月16日" in page
    assert "异议截止：2021年6月15日" in page and "受理单位：长沙市工业和信息化局" in page
    client = login("outsider")
    text = "".join(p.text for p in pages(client.get(
        reverse("applications:notice_pdf", args=[first.notice_batch.pk])).content))
    assert people.org.name in text and "长沙云盾" not in text
    assert "长工信公示〔2021〕1号" in text and "2021年6月7日至2021年6月15日" in text


def test_an_objection_or_the_end_of_the_period_takes_an_item_off_the_list(
        login: Login, people: Personas, today) -> None:  # type: ignore[no-untyped-def]
    batch, apps = _batch_of(people, 3)
    apps[1].state = "reviewed"  # an objection sent it back to review
    apps[1].save()
    client = login("auditor")
    url = reverse("applications:notice_pdf", args=[batch.pk])
    text = "".join(p.text for p in pages(client.get(url).content))
    assert f"{apps[0].pk}" in text and "1,234,569.89" in text
    assert "1,234,568.89" not in text  # the one sent back
    today(dt.date(2021, 6, 16))  # the day after the notice ended
    assert client.get(url).status_code == 404
    assert "目前没有公示中的项目" in client.get(reverse("applications:notice")).text


def test_the_pdf_names_the_channel_deadline_issuer_and_labels_not_ids(
        login: Login, people: Personas, today: object, settings) -> None:  # type: ignore[no-untyped-def]
    settings.OBJECTION_UNIT = "长沙市工业和信息化局产业发展处"
    settings.OBJECTION_PHONE = "0731-88665123"
    settings.OBJECTION_EMAIL = "gongshi@example.gov.cn"
    settings.OBJECTION_ADDRESS = ""
    batch, _ = _batch_of(people, 2)
    pdf = login("auditor").get(reverse("applications:notice_pdf", args=[batch.pk])).content
    pngs(pdf, "notice-channel")
    text = "".join(p.text.replace("\n", "") for p in pages(pdf))
    for expected in ("长沙市工业和信息化局产业发展处", "0731-88665123", "gongshi@example.gov.cn",
                     "2021年6月15日（含当日）前", "长工信公示〔2021〕1号", "第 1 页 共 1 页",
                     "二(七)支持", "项目投资（2020年5月1日）", "1,234,567.89"):
        assert expected in text, expected
    assert "通讯地址" not in text  # not set: nothing invented
    assert "proj-0" not in text and "P7.project" not in text


@pytest.mark.parametrize("rows", [1, 45])
def test_rows_are_never_split_and_every_character_stays_in_its_cell(
        login: Login, people: Personas, today: object, rows: int) -> None:
    batch, apps = _batch_of(people, rows)
    pdf = login("auditor").get(reverse("applications:notice_pdf", args=[batch.pk])).content
    found = pages(pdf)
    images = pngs(pdf, f"notice-{rows}")
    assert len(images) == len(found)
    total = len(found)
    # A landscape page holds at least 8 rows of three-line names (9 measured).
    assert total == 1 if rows == 1 else total <= math.ceil(rows / 8)
    for n, page in enumerate(found, start=1):
        assert f"第 {n} 页 共 {total} 页" in page.text
        assert page.outside_cells == [] and page.outside_page == []
        assert page.tables >= 1 and "申报主体" in page.text  # the header repeats
    # A row cut in two would leave a row without its number or its amount on the next page.
    body = [r for p in found for r in p.rows if r[0] != "序号"]
    assert [r[0] for r in body] == [str(n) for n in range(1, rows + 1)]
    assert [r[-1] for r in body] == [notices.display.money(a.approved_amount) for a in apps]
    assert all(len(r) == 8 and all(r) for r in body)
    names = [f for f in fonts(pdf)]
    assert names and all(f.embedded for f in names)
    assert any("NotoSansCJK" in f.name.replace("-", "") for f in names)


def test_the_excel_file_has_the_same_rows(
        login: Login, people: Personas, today: object) -> None:
    batch, apps = _batch_of(people, 3)
    response = login("applicant").get(reverse("applications:notice_xlsx", args=[batch.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    got = list(sheet.iter_rows(values_only=True))
    assert list(got[0]) == list(notices.NOTICE_HEADERS)
    assert [r[0] for r in got[1:]] == [a.pk for a in apps]
    assert [read_money(r[notices.AMOUNT_COLUMN]) for r in got[1:]] == [
        a.approved_amount for a in apps]
    assert got[2][1] == LONG_NAME and got[1][5] == "项目投资（2020年5月1日）"
    assert Organisation.objects.filter(name=LONG_NAME).exists()
