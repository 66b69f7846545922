"""PDFs: Chinese text set in the Noto CJK font, embedded in the file."""

from __future__ import annotations

from decimal import Decimal

import pytest

from policyhub.web.pdf import ForbiddenResource, check_local, cjk_font_installed, render_pdf
from tests.pdf import embeds_noto_cjk, fonts, text

NOTICE = {
    "title": "2021年度网络安全产业专项资金拟支持项目公示",
    "number": "长工信公示〔2021〕1号",
    "intro": "根据《长沙市加快网络安全产业发展若干政策》，现将拟支持项目予以公示。",
    "headers": ["申报主体", "支持事项", "条款", "金额（元）"],
    "rows": [["长沙星盾网络安全有限公司", "企业“上台阶”奖励", "二(四)", Decimal("49999999.99")]],
    "money_columns": [3],
    "period": "2021年7月1日至7月7日",
    "issuer": "长沙市工业和信息化局",
    "date": "2021年6月30日",
}

pytestmark = pytest.mark.skipif(
    not cjk_font_installed(), reason="run scripts/ensure-browsers (installs fonts-noto-cjk)"
)


@pytest.fixture(scope="module")
def notice_pdf() -> bytes:
    return render_pdf("web/pdf/notice.html", NOTICE)


def test_it_renders_a_pdf(notice_pdf: bytes) -> None:
    assert notice_pdf.startswith(b"%PDF-")


def test_it_embeds_the_noto_cjk_font(notice_pdf: bytes) -> None:
    assert embeds_noto_cjk(notice_pdf), f"CJK font not embedded: {fonts(notice_pdf)}"
    assert NOTICE["title"] in text(notice_pdf) and "49,999,999.99" in text(notice_pdf)


def test_it_refuses_remote_resources() -> None:
    for url in (
        "https://example.org/evil.css",
        "file:///etc/passwd",
        "file:///work/x/static/../../../etc/passwd",
    ):
        with pytest.raises(ForbiddenResource):
            check_local(url)
    check_local("data:text/plain,ok")

