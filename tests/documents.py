"""Reading back a rendered document as a reader sees it: pages as PNG (pdftoppm), fonts
(pdffonts), the characters with their positions and the table cells (pdfplumber).

Used by the document tests of the 公示名单, the 核定通知书 and the plan report: page counts,
no character outside its table cell or the page, the Noto CJK font embedded.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pytest

POPPLER = all(shutil.which(tool) for tool in ("pdftoppm", "pdffonts"))
needs_poppler = pytest.mark.skipif(not POPPLER,
                                   reason="run scripts/ensure-browsers (installs poppler-utils)")
# Where the PNGs go, to look at them (tests write them there when this variable is set).
PNG_DIR = os.environ.get("POLICYHUB_TEST_PNG_DIR", "")
SLACK = 0.6  # points: a glyph's box may touch its cell's border line


def pngs(pdf: bytes, name: str, dpi: int = 50) -> list[Path]:
    """Every page rendered to PNG by pdftoppm (in PNG_DIR when set, else a temporary
    directory); the files, page order."""
    out = Path(PNG_DIR) if PNG_DIR else Path(tempfile.mkdtemp(prefix="policyhub-png-"))
    out.mkdir(parents=True, exist_ok=True)
    source = out / f"{name}.pdf"
    source.write_bytes(pdf)
    for old in out.glob(f"{name}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(source), str(out / name)],
                   check=True, capture_output=True)
    return sorted(out.glob(f"{name}-*.png"))


@dataclass(frozen=True)
class Font:
    name: str
    embedded: bool


def fonts(pdf: bytes) -> list[Font]:
    """pdffonts' table: each font's name and whether the file embeds it."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        listing = subprocess.run(["pdffonts", f.name], capture_output=True, text=True,
                                 check=True).stdout.splitlines()
    found = []
    for line in listing[2:]:  # two header lines
        parts = line.split()
        # name type [encoding words…] emb sub uni object-id generation
        found.append(Font(parts[0], parts[-5] == "yes"))
    return found


@dataclass(frozen=True)
class Page:
    text: str
    outside_cells: list[str]  # characters of a table drawn outside every cell
    outside_page: list[str]  # characters beyond the paper
    tables: int
    rows: list[list[str]]  # every table row's cells (text, "" when empty), header rows too


def pages(pdf: bytes) -> list[Page]:
    """Each page's text, and the characters that escape their table cell or the paper."""
    out = []
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            tables = page.find_tables()
            outside_cells, outside_page = [], []
            for ch in page.chars:
                if ch["text"].isspace():
                    continue
                if (ch["x0"] < -SLACK or ch["x1"] > page.width + SLACK or ch["top"] < -SLACK
                        or ch["bottom"] > page.height + SLACK):
                    outside_page.append(ch["text"])
                for table in tables:
                    if not _inside(ch, table.bbox):
                        continue
                    if not any(cell and _inside(ch, cell, whole=True) for cell in table.cells):
                        outside_cells.append(ch["text"])
            rows = [[cell or "" for cell in row]
                    for table in tables for row in table.extract()]
            out.append(Page(page.extract_text() or "", outside_cells, outside_page,
                            len(tables), rows))
    return out


def _inside(ch: dict[str, float], box: tuple[float, float, float, float], *,
            whole: bool = False) -> bool:
    x0, top, x1, bottom = box
    if whole:
        return (ch["x0"] >= x0 - SLACK and ch["x1"] <= x1 + SLACK and ch["top"] >= top - SLACK
                and ch["bottom"] <= bottom + SLACK)
    middle_x, middle_y = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
    return x0 <= middle_x <= x1 and top <= middle_y <= bottom
