"""Import-job test helpers: a figures file over a few organisations, and its job."""

from __future__ import annotations

from pathlib import Path

from policyhub.imports import jobs, kinds
from policyhub.imports.models import ImportJob
from policyhub.registry.models import Organisation
from tests.personas import organisation
from tests.registry.helpers import write_csv

HEADER = ["统一社会信用代码", "年度", "主营业务收入"]
YEARS = range(2010, 2019)  # nine years per organisation


def figures_file(path: Path, orgs: int = 5, *, bad_last: bool = False) -> tuple[Path, int]:
    """One row per organisation and year (orgs × 9 rows); the last row's revenue unreadable
    when `bad_last`. Returns the file and its number of data rows."""
    made: list[Organisation] = [organisation(f"长沙导入测试{i}有限公司") for i in range(orgs)]
    rows: list[list[object]] = [[o.credit_code, y, 1000 + y] for o in made for y in YEARS]
    if bad_last:
        rows[-1][2] = "abc"
    return write_csv(path, [HEADER, *rows]), len(rows)


def stored_job(path: Path, key: str = "registry.figures", actor: kinds.Actor = None
               ) -> ImportJob:
    """A queued job for the file, as the web's upload leaves it (the file copied aside)."""
    kind = kinds.get(key)
    assert kind is not None
    stored, sha, size = jobs.store(lambda: [path.read_bytes()], path.name)
    return jobs.create(kind, stored, path.name, sha, size, actor)
