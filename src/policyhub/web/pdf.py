"""PDF documents (公示名单, notices) rendered from Django templates with WeasyPrint.

Chinese text needs a CJK font on the machine: Debian's fonts-noto-cjk ("Noto Sans CJK SC"),
installed by scripts/ensure-browsers. The templates under web/pdf/ name it in their CSS;
without it WeasyPrint would silently draw empty boxes, so `cjk_font_installed()` lets a
caller (and the tests) check first.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.template.loader import get_template, render_to_string

CJK_FONT = "Noto Sans CJK SC"
STATIC_DIR = Path(__file__).resolve().parent / "static"
# Every PDF template, compiled by warm() so a first request finds them in the template cache.
PDF_TEMPLATES = ("web/pdf/notice.html", "applications/pdf/notice.html",
                 "applications/pdf/letter.html", "plan/report_pdf.html")
# Regular and bold, CJK, Latin and digits: the faces the templates use (all Noto Sans CJK SC).
WARM_HTML = ("<html lang='zh-Hans'><body style='font-family: \"Noto Sans CJK SC\"'>"
             "<h1>长沙市网络安全产业专项资金公示</h1>"
             "<p>第 1 页 共 1 页 1,234,567.89 <b>进度正常</b> ABC abc （一）〔2022〕</p>"
             "<table><tr><th>申报主体</th><td>长沙星盾网络安全有限公司</td></tr></table>"
             "</body></html>")


class ForbiddenResource(ValueError):
    """A template asked for a resource outside the app's static files."""


def check_local(url: str) -> None:
    """Allow data: URLs and files under the app's static directory, nothing else: a PDF
    never reaches the network, and a value interpolated into a template cannot make the
    server read a file or fetch a URL."""
    parts = urlsplit(url)
    if parts.scheme == "data":
        return
    if parts.scheme == "file" and Path(unquote(parts.path)).resolve().is_relative_to(STATIC_DIR):
        return
    raise ForbiddenResource(f"PDF templates may only use the app's static files, not {url!r}")


def _fetcher() -> Any:
    from weasyprint.urls import URLFetcher

    class LocalOnlyFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: dict[str, str] | None = None) -> Any:
            check_local(url)
            return super().fetch(url, headers)

    return LocalOnlyFetcher(allowed_protocols=("file", "data"))


def render_pdf(template_name: str, context: dict[str, Any] | None = None) -> bytes:
    """The template rendered to PDF bytes; relative URLs resolve against web/static/."""
    # Imported here: WeasyPrint takes a noticeable time to import and most requests never
    # make a PDF.
    from weasyprint import HTML

    html = render_to_string(template_name, context or {})
    document = HTML(string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=_fetcher())
    pdf: bytes = document.write_pdf()
    return pdf


def warm() -> float:
    """Import WeasyPrint, load the CJK fonts (fontconfig, HarfBuzz faces, the subsetter) and
    compile the PDF templates, so that the first PDF a worker serves costs what any later one
    does (2.5–2.7 s cold before, issue 15). Called once at start-up by config/wsgi.py (in
    gunicorn's master, before the workers fork); returns the seconds it took."""
    started = time.perf_counter()
    from weasyprint import HTML

    for name in PDF_TEMPLATES:
        get_template(name)
    HTML(string=WARM_HTML, url_fetcher=_fetcher()).write_pdf()
    return time.perf_counter() - started


def cjk_font_installed() -> bool:
    """True when fontconfig knows the CJK font the PDF templates ask for."""
    if shutil.which("fc-list") is None:
        return False
    listing = subprocess.run(
        ["fc-list", ":", "family"], capture_output=True, text=True, check=False
    ).stdout
    return CJK_FONT in listing
