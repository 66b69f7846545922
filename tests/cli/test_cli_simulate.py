"""`policyhub simulate`: a scenario against the law on a screening input, printed and as
.xlsx; a bad scenario or input exits 2 with one line naming the field, writing nothing."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import polars as pl
import pytest

from policyhub.cli import main
from policyhub.screen import synth
from policyhub.simulate.scenario import SCENARIO_DIR

EXAMPLE = SCENARIO_DIR / "milestones_up.yaml"


@pytest.fixture
def registry_csv(tmp_path: Path) -> Path:
    frame = synth.frame(400, seed=2)
    ids = frame["applicant_id"].cast(pl.String)
    first = ids.unique(maintain_order=True).to_list()
    names = {a: ("=HYPERLINK(\"http://evil.example\")" if i == 0 else f"企业{i}")
             for i, a in enumerate(first)}
    frame = frame.with_columns(
        name=ids.replace_strict(names),
        district=pl.lit("岳麓区"), park=pl.lit("长沙高新区"))
    path = tmp_path / "in.csv"
    frame.with_columns(pl.all().cast(pl.String)).write_csv(path)
    return path


def test_simulate_prints_the_clause_table_and_writes_the_workbook(
        registry_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    code = main(["simulate", "--scenario", str(EXAMPLE), str(registry_csv), "--out", str(out),
                 "--as-of", "2022-12-31"])
    printed = capsys.readouterr().out
    assert code == 0
    assert "上台阶奖励提高" in printed and "二(四)" in printed and "二(七)" in printed
    assert "P4." not in printed and "milestone_jump" not in printed
    book = openpyxl.load_workbook(out / "simulation.xlsx")
    assert book.sheetnames == ["概要", "参数变化", "按条款", "按年度", "按区县（市）", "按园区",
                               "增减名单"]
    clauses = {row[0].value: row for row in book["按条款"].iter_rows(min_row=2)}
    assert clauses["二(四)"][5].value > 0 and clauses["二(七)"][5].value < 0
    assert [r[0].value for r in book["按区县（市）"].iter_rows(min_row=2)] == ["岳麓区"]
    listed = list(book["增减名单"].iter_rows(min_row=2, values_only=True))
    assert listed and all(r[6] == pytest.approx(r[5] - r[4]) for r in listed)
    assert listed[0][7] or listed[0][8]  # the engine's explanations of both decisions
    texts = [c for row in book.worksheets for r in row.iter_rows(values_only=True) for c in r
             if isinstance(c, str)]
    assert not any(t.startswith("=") for t in texts)


def test_a_bad_scenario_exits_2_naming_the_field_and_writes_nothing(
        registry_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\ndate: 2026-12-01\nchanges:\n"
                   "  - {parameter: p7_projects.project_cap, value: -5}\n", encoding="utf-8")
    out = tmp_path / "out"
    code = main(["simulate", "--scenario", str(bad), str(registry_csv), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and not out.exists()
    assert err.count("\n") == 1 and "changes[0].value" in err and "不能为负数" in err


def test_bad_input_exits_2_with_the_row_and_column(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "in.csv"
    bad.write_text("applicant_id,kind,registered_in_changsha,taxed_in_changsha,"
                   "cybersecurity_business,type,event_index,year,amount\n"
                   "a,enterprise,true,true,true,annual_revenue,0,2020,12.345\n", encoding="utf-8")
    code = main(["simulate", "--scenario", str(EXAMPLE), str(bad), "--out", str(tmp_path / "o")])
    assert code == 2 and "row 1, amount" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()
