"""The plan's progress report as meeting material (会议材料): a cover with the as-of date and
the summary counts, the header row on every page, no row split across pages, the status
column on one line, every character in its cell; rendered to PNG and read back."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from policyhub.plan import exports
from policyhub.plan.progress import STATUS_LABELS
from policyhub.web.pdf import cjk_font_installed
from tests.documents import fonts, needs_poppler, pages, pngs

pytestmark = [needs_poppler, pytest.mark.skipif(
    not cjk_font_installed(), reason="run scripts/ensure-browsers (installs fonts-noto-cjk)")]
AS_OF = dt.date(2020, 6, 30)


@pytest.fixture
def pdf(client: Client, science_officer) -> bytes:  # type: ignore[no-untyped-def]
    client.force_login(science_officer)
    response = client.get(f"/plan/export.pdf?as_of={AS_OF.isoformat()}")
    assert response.status_code == 200
    return bytes(response.content)


def test_the_cover_gives_the_date_and_the_counts(pdf: bytes) -> None:
    cover = pages(pdf)[0].text.replace("\n", "")
    context = exports.pdf_context(AS_OF)
    assert exports.TITLE in cover and "会议材料" in cover and "数据截至 2020年6月30日" in cover
    counts = dict(context["summary"])
    assert list(counts) == list(STATUS_LABELS.values())
    assert sum(counts.values()) == context["total"] == 29
    cells = pages(pdf)[0].rows
    assert cells[0] == ["目标总数", *STATUS_LABELS.values()]
    assert cells[1] == [str(context["total"]), *(str(n) for n in counts.values())]
    assert "目标值" not in cover  # the targets start on the next page


def test_rows_are_whole_the_header_repeats_and_the_status_is_readable(pdf: bytes) -> None:
    found = pages(pdf)
    assert len(pngs(pdf, "plan-report")) == len(found)
    total = len(found)
    assert 3 <= total <= 8
    labels = set(STATUS_LABELS.values())
    target_rows = []
    for n, page in enumerate(found, start=1):
        assert f"第 {n} 页 共 {total} 页" in page.text
        assert page.outside_cells == [] and page.outside_page == []
        for row in page.rows:
            if len(row) == 8 and row[0] != "目标":
                target_rows.append(row)
        heads = [row for row in page.rows if row and row[0] in ("目标", "条款", "单位")]
        if n > 1:
            assert heads, f"page {n} has no header row"
    assert len(target_rows) == 29
    for row in target_rows:
        assert all(row), row  # a cut row would leave empty cells on the next page
        assert row[5] in labels  # the status on one line, never one character per line
    assert all(f.embedded for f in fonts(pdf)) and any("CJK" in f.name for f in fonts(pdf))
