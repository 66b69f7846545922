"""tests/pdf.py: its font check fails for a PDF without Noto CJK embedded, its text is the
text drawn."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject

from policyhub.web.pdf import cjk_font_installed, render_pdf
from tests.pdf import FONT_FILES, embeds_noto_cjk, fonts, outline_titles, text

NOTICE = {
    "title": "专项资金拟支持项目公示", "number": "长工信公示〔2021〕2号", "intro": "现予公示。",
    "headers": ["申报主体", "金额（元）"], "rows": [["长沙星盾网络安全有限公司", "100.00"]],
    "money_columns": [], "period": "2021年7月1日至7月7日", "issuer": "长沙市工业和信息化局",
    "date": "2021年6月30日",
}

needs_font = pytest.mark.skipif(not cjk_font_installed(),
                                reason="run scripts/ensure-browsers (installs fonts-noto-cjk)")


@pytest.fixture(scope="module")
def notice_pdf() -> bytes:
    return render_pdf("web/pdf/notice.html", NOTICE)


def _without_font_programs(pdf: bytes) -> bytes:
    """The same PDF with every font program taken out of its font descriptors (the fonts are
    then only named, as when a PDF relies on the reader's installed fonts)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    for page in writer.pages:
        resources: Any = page["/Resources"]
        for ref in resources["/Font"].values():
            font = ref.get_object()
            for f in [font] + [d.get_object() for d in font.get("/DescendantFonts", [])]:
                descriptor = f.get("/FontDescriptor")
                for key in FONT_FILES:
                    if descriptor is not None and key in descriptor.get_object():
                        del descriptor.get_object()[NameObject(key)]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@needs_font
def test_a_weasyprint_notice_embeds_noto_cjk_and_reads_back(notice_pdf: bytes) -> None:
    assert embeds_noto_cjk(notice_pdf)
    assert all(f.embedded for f in fonts(notice_pdf))
    found = text(notice_pdf)
    assert "专项资金拟支持项目公示" in found and "长沙星盾网络安全有限公司" in found
    assert outline_titles(notice_pdf) == ["专项资金拟支持项目公示"]


@needs_font
def test_the_font_check_fails_when_the_font_is_only_named(notice_pdf: bytes) -> None:
    stripped = _without_font_programs(notice_pdf)
    assert [f.name for f in fonts(stripped)] == [f.name for f in fonts(notice_pdf)]
    assert not any(f.embedded for f in fonts(stripped))
    assert not embeds_noto_cjk(stripped)


def test_the_font_check_fails_for_a_pdf_without_fonts() -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    assert fonts(out.getvalue()) == [] and not embeds_noto_cjk(out.getvalue())
    assert text(out.getvalue()) == ""
