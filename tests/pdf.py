"""Reading back the PDFs the platform writes (WeasyPrint) with pypdf: their text, the fonts
their pages use, their outline."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

from pypdf import PdfReader
from pypdf.generic import DictionaryObject

# A subset of Noto Sans CJK, as WeasyPrint names it: six capitals, "+", the font's name.
NOTO_CJK = re.compile(r"[A-Z]{6}\+Noto-?Sans-?CJK")
# Where a font descriptor carries the font program: Type 1, TrueType, CFF/OpenType.
FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")


@dataclass(frozen=True)
class Font:
    name: str  # the /BaseFont, e.g. "ABCDEF+NotoSansCJKsc-Regular"
    embedded: bool  # its descriptor carries the font program (/FontFile, /FontFile2 or /FontFile3)


def _reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf), strict=True)


def _embedded(font: DictionaryObject) -> bool:
    """Whether the font program is in the file: in the font's descriptor, or (a Type0 font) in
    its descendant CID font's."""
    fonts = [font] + [f.get_object() for f in font.get("/DescendantFonts", [])]
    for f in fonts:
        descriptor = f.get("/FontDescriptor")
        if descriptor is not None and any(key in descriptor.get_object() for key in FONT_FILES):
            return True
    return False


def fonts(pdf: bytes) -> list[Font]:
    """Every font in the pages' /Font resources, once each, in page order."""
    found: dict[str, Font] = {}
    for page in _reader(pdf).pages:
        resources: Any = page.get("/Resources")
        font_dict = resources.get_object().get("/Font") if resources is not None else None
        for ref in (font_dict.get_object().values() if font_dict is not None else []):
            font = ref.get_object()
            name = str(font.get("/BaseFont", ""))
            found.setdefault(name, Font(name.lstrip("/"), _embedded(font)))
    return list(found.values())


def embeds_noto_cjk(pdf: bytes) -> bool:
    """Whether a page uses a subset of Noto Sans CJK whose font program is in the file."""
    return any(f.embedded and NOTO_CJK.match(f.name) for f in fonts(pdf))


def text(pdf: bytes) -> str:
    """The text of every page (pypdf's extract_text, through each font's ToUnicode map)."""
    return "\n".join(page.extract_text() for page in _reader(pdf).pages)


def outline_titles(pdf: bytes) -> list[str]:
    """The titles of the outline (bookmarks), depth first."""
    titles: list[str] = []

    def walk(items: list[Any]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(str(item.title))

    walk(_reader(pdf).outline)
    return titles
