"""`policyhub manage import_registry` / `export_registry`."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from policyhub.cli import main as cli_main
from policyhub.registry.models import YearlyFigure
from tests.personas import Personas, personas
from tests.registry.helpers import other_organisation, write_csv, write_xlsx

pytestmark = pytest.mark.django_db
HEADER = ["统一社会信用代码", "年度", "主营业务收入"]


@pytest.fixture
def p() -> Personas:
    return personas()


def test_import_shows_progress_and_a_summary(p: Personas, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "f.xlsx", [HEADER, [p.org.credit_code, 2020, 100],
                                            [p.org.credit_code, 2021, 200]])
    out, err = StringIO(), StringIO()
    call_command("import_registry", str(path), "--kind", "figures", "--user", "applicant",
                 stdout=out, stderr=err)
    assert "导入 2 行（新增 2，更新 0）" in out.getvalue()
    assert YearlyFigure.objects.count() == 2


def test_the_progress_bar_goes_to_stderr(p: Personas, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    path = write_csv(tmp_path / "f.csv", [HEADER, [p.org.credit_code, 2020, 100]])
    assert cli_main(["manage", "import_registry", str(path), "--kind", "figures"]) == 0
    assert "100%" in capsys.readouterr().err


def test_a_bad_file_lists_every_bad_row_and_fails(p: Personas, tmp_path: Path) -> None:
    other = other_organisation()
    path = write_csv(tmp_path / "f.csv", [HEADER, [p.org.credit_code, 2020, "x"],
                                          [p.org.credit_code, 2021, 1],
                                          [other.credit_code, 2021, 1],
                                          [p.org.credit_code, "", 1]])
    err = StringIO()
    with pytest.raises(CommandError) as info:
        call_command("import_registry", str(path), "--kind", "figures", "--user", "applicant",
                     "--no-progress", stderr=err)
    assert "3 行有误" in str(info.value)
    lines = err.getvalue().splitlines()
    assert [line.split(" ")[0] for line in lines] == ["第2行", "第4行", "第5行"]
    assert not YearlyFigure.objects.exists()


def test_unknown_user_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError):
        call_command("import_registry", str(tmp_path / "none.csv"), "--kind", "figures")
    path = write_csv(tmp_path / "f.csv", [HEADER])
    with pytest.raises(CommandError):
        call_command("import_registry", str(path), "--kind", "figures", "--user", "nobody")


def test_export_limits_to_what_the_user_sees(p: Personas, tmp_path: Path) -> None:
    other = other_organisation()
    for org in (p.org, other):
        YearlyFigure.objects.create(organisation=org, year=2020, main_business_revenue=1)
    out = StringIO()
    call_command("export_registry", str(tmp_path / "all.csv"), "--kind", "figures", stdout=out)
    assert "导出 2 行" in out.getvalue()
    call_command("export_registry", str(tmp_path / "mine.csv"), "--kind", "figures",
                 "--user", "applicant", stdout=out)
    text = (tmp_path / "mine.csv").read_text(encoding="utf-8-sig")
    assert p.org.credit_code in text and other.credit_code not in text
    with pytest.raises(CommandError):
        call_command("export_registry", str(tmp_path / "x.json"), "--kind", "figures")
