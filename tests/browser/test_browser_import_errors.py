"""A bureau officer uploads a figures file with bad rows in Chromium: the errors show row,
column, value and reason, 50 to a page, with the download link, at 1280 and 390 px wide.
Saves build/screenshots/registry-import-errors-{1280,390}.png."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import login_as, screenshot
from tests.personas import Personas

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_import_page_lists_bad_rows_page_by_page(
        page: Any, live_server: Any, people: Personas, tmp_path: Path, settings: Any) -> None:
    settings.IMPORT_ERRORS_DIR = tmp_path / "import-errors"
    code = people.org.credit_code
    lines = ["统一社会信用代码,年度,主营业务收入（元）", f"{code},2019,100"]
    lines += [f"{code},{1980 + i % 5},12万{i}" for i in range(60)]
    upload = tmp_path / "年度数据.csv"
    upload.write_text("\n".join(lines), encoding="utf-8-sig")
    login_as(page, live_server.url, "bureau_officer")
    page.goto(f"{live_server.url}/registry/import/")
    page.select_option("#id_kind", "figures")
    page.set_input_files("#id_file", str(upload))
    page.click("button[type=submit].primary")
    errors = page.locator(".import-errors")
    errors.wait_for()
    assert "60 行有误，未导入任何数据" in errors.inner_text()
    assert errors.locator("tbody tr").count() == 50
    assert "下载未导入的行及错误原因" in errors.inner_text()
    screenshot(page, "registry-import-errors-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    overflow = page.evaluate("() => document.documentElement.scrollWidth")
    screenshot(page, "registry-import-errors-390")
    page.click("text=下一页")
    page.wait_for_url("**page=2")
    assert page.locator(".import-errors tbody tr").count() == 50
    assert overflow <= 390 + 1, f"the page scrolls sideways at 390 px: {overflow}"
