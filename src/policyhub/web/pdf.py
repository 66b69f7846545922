"""PDF documents (公示名单, notices) rendered from Django templates with WeasyPrint.

Chinese text needs a CJK font on the machine: Debian's fonts-noto-cjk ("Noto Sans CJK SC"),
installed by scripts/ensure-browsers. The templates under web/pdf/ name it in their CSS;
without it WeasyPrint would silently draw empty boxes, so `cjk_font_installed()` lets a
caller (and the tests) check first.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.template.loader import render_to_string

CJK_FONT = "Noto Sans CJK SC"
STATIC_DIR = Path(__file__).resolve().parent / "static"


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


def cjk_font_installed() -> bool:
    """True when fontconfig knows the CJK font the PDF templates ask for."""
    if shutil.which("fc-list") is None:
        return False
    listing = subprocess.run(
        ["fc-list", ":", "family"], capture_output=True, text=True, check=False
    ).stdout
    return CJK_FONT in listing
