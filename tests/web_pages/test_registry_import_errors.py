"""A refused registry import on the page: every error with its row, column, value and reason,
50 to a page, and the rejected rows downloadable with their reasons, for the uploader only."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from policyhub.registry import rejected
from policyhub.registry.models import YearlyFigure
from tests.personas import Personas
from tests.web_pages.conftest import Login

BAD = 120  # rows with a bad year and a bad revenue (two errors each), after one good row


def _upload(code: str) -> SimpleUploadedFile:
    lines = ["统一社会信用代码,年度,主营业务收入", f"{code},2019,100"]
    lines += [f"{code},y{i},abc{i}" for i in range(BAD)]
    return SimpleUploadedFile("figures.csv", "\n".join(lines).encode("utf-8-sig"), "text/csv")


def _token(text: str) -> str:
    marker = "/registry/import/errors/"  # the download link
    start = text.index(marker) + len(marker)
    return text[start:text.index(".xlsx", start)]


def test_errors_are_listed_fifty_to_a_page_with_their_values(
        login: Login, people: Personas) -> None:
    client = login("bureau_officer")
    response = client.post(reverse("registry:import"),
                           {"kind": "figures", "file": _upload(people.org.credit_code)},
                           follow=True)
    assert response.status_code == 200  # the job page
    assert f"{BAD} 行有误，未导入任何数据" in response.text
    assert "第 1 / 5 页，共 240 处错误" in response.text
    assert '<td>3</td><td class="column">年度</td><td class="value">y0</td>' in response.text
    cell = '<td>{}</td><td class="column">主营业务收入</td><td class="value">{}</td>'
    assert cell.format(3, "abc0") in response.text
    assert cell.format(27, "abc24") in response.text
    assert "abc25<" not in response.text  # row 28: the second page
    assert not YearlyFigure.objects.exists()  # nothing imported, the good row neither
    token = _token(response.text)
    last = client.get(reverse("registry:import"), {"errors": token, "page": 5})
    assert last.status_code == 200
    assert "第 5 / 5 页" in last.text
    assert cell.format(122, "abc119") in last.text
    assert "abc24<" not in last.text


def test_the_rejected_rows_download_with_their_reasons(login: Login, people: Personas) -> None:
    client = login("bureau_officer")
    response = client.post(reverse("registry:import"),
                           {"kind": "figures", "file": _upload(people.org.credit_code)},
                           follow=True)
    url = reverse("registry:import_errors", args=[_token(response.text)])
    assert url in response.text
    download = client.get(url)
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(download.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("统一社会信用代码", "年度", "主营业务收入", "原行号", "错误原因")
    assert len(rows) == 1 + BAD  # the good row is not in it
    code, year, revenue, number, reason = rows[1]
    assert (code, year, revenue, number) == (people.org.credit_code, "y0", "abc0", 3)
    assert "[年度]" in str(reason) and "[主营业务收入]" in str(reason)
    assert "不是金额" in str(reason)


def test_the_kept_errors_are_the_uploaders_only(login: Login, people: Personas) -> None:
    client = login("bureau_officer")
    response = client.post(reverse("registry:import"),
                           {"kind": "figures", "file": _upload(people.org.credit_code)},
                           follow=True)
    token = _token(response.text)
    other = login("admin")
    assert other.get(reverse("registry:import_errors", args=[token])).status_code == 404
    page = other.get(reverse("registry:import"), {"errors": token})
    assert page.status_code == 404 and "已过期或不存在" in page.text and "abc0" not in page.text
    assert other.get(reverse("registry:import"), {"errors": "../../etc/passwd"}).status_code == 404


def test_the_kept_errors_expire_after_an_hour(login: Login, people: Personas) -> None:
    client = login("bureau_officer")
    response = client.post(reverse("registry:import"),
                           {"kind": "figures", "file": _upload(people.org.credit_code)},
                           follow=True)
    token = _token(response.text)
    kept = Path(settings.IMPORT_ERRORS_DIR) / f"{token}.json"
    old = time.time() - rejected.KEEP_SECONDS - 1
    os.utime(kept, (old, old))
    assert client.get(reverse("registry:import_errors", args=[token])).status_code == 404


def test_the_download_quotes_text_a_spreadsheet_would_run(
        login: Login, people: Personas) -> None:
    body = f"统一社会信用代码,年度,主营业务收入\n{people.org.credit_code},2020,=1+2\n"
    client = login("bureau_officer")
    response = client.post(reverse("registry:import"), {"kind": "figures", "file":
                           SimpleUploadedFile("f.csv", body.encode(), "text/csv")}, follow=True)
    assert '<td class="value">=1+2</td>' in response.text  # shown as text, escaped HTML
    download = client.get(reverse("registry:import_errors", args=[_token(response.text)]))
    sheet = load_workbook(io.BytesIO(download.content)).worksheets[0]
    assert sheet.cell(row=2, column=3).value == "'=1+2"
    assert sheet.cell(row=2, column=3).data_type != "f"
