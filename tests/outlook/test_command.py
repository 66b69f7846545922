"""`policyhub outlook` (manage.py outlook): the table, bad options, and its options as
docs/cli.md lists them."""

from __future__ import annotations

import re
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from policyhub.ledger.management.commands.outlook import Command
from tests.outlook import demo
from tests.personas import personas

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "cli.md"
SCENARIO = ROOT / "src" / "policyhub" / "simulate" / "scenarios" / "milestones_up.yaml"


def _run(*args: str) -> str:
    out = StringIO()
    call_command("outlook", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_it_prints_each_projected_year_with_its_band_and_depletion() -> None:
    demo.load()
    text = _run("--paths", "300", "--seed", "4", "--as-of", "2019-12-31")
    assert "专项资金总额 200,000,000.00 元" in text and "300 条模拟路径，随机种子 4" in text
    for year in ("2020", "2021", "2022"):
        assert re.search(rf"^{year}\s", text, re.M), year
    assert "耗尽概率" in text and "二(四)" in text
    assert text == _run("--paths", "300", "--seed", "4", "--as-of", "2019-12-31")


@pytest.mark.django_db
def test_after_the_fund_ends_there_is_nothing_to_project() -> None:
    assert "均已结束，无需测算" in _run("--as-of", "2023-01-01")


@pytest.mark.django_db
@pytest.mark.parametrize(("args", "field"), [(["--as-of", "2019-13-01"], "--as-of"),
                                             (["--paths", "0"], "--paths")])
def test_bad_options_are_refused_naming_the_option(args: list[str], field: str) -> None:
    with pytest.raises(CommandError, match=f"^{field}: "):
        _run(*args)


def test_docs_list_every_option_with_its_help() -> None:
    section = DOC.read_text(encoding="utf-8").split("## `policyhub outlook`", 1)[1]
    parser = Command().create_parser("policyhub", "outlook")
    names = ("--paths", "--seed", "--as-of", "--scenario")
    own = [a for a in parser._actions if any(o in names for o in a.option_strings)]
    assert len(own) == len(names)
    for action in own:
        line = f"- `{action.option_strings[0]} {action.metavar}` — {action.help}"
        assert line % {"default": action.default} in section, line


@pytest.mark.django_db
def test_a_scenario_raising_the_milestone_awards_raises_the_projection() -> None:
    demo.load()
    text = _run("--paths", "400", "--as-of", "2019-12-31", "--scenario", str(SCENARIO))
    assert "场景「上台阶奖励提高、技改项目封顶下调」" in text and "耗尽概率（场景）" in text


@pytest.mark.django_db
def test_a_bad_scenario_file_is_refused_naming_the_option(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"^--scenario: .*date"):
        _run("--scenario", str(bad))


@pytest.mark.django_db
def test_it_prints_the_books_and_projects_against_what_is_left() -> None:
    from policyhub.ledger.services import pay, release
    from tests.ledger.helpers import approve, fund_year

    finance = personas().finance
    fund_year(finance, "10000000.00", 2020)
    approve(finance, "award-1", "3000000.00", year=2020)
    approve(finance, "award-2", "1000000.00", year=2020)
    pay("award-1", Decimal("1000000.00"), finance, idempotency_key="p-1")
    release("award-2", finance, reason="撤回")
    text = _run("--paths", "50", "--as-of", "2019-12-31")
    row = next(line for line in text.splitlines() if line.startswith("2020 "))
    assert row.split()[1:] == ["5,000,000.00", "5,000,000.00", "2,000,000.00",
                               "1,000,000.00", "1,000,000.00"]
    assert "已核定（含已拨付）3,000,000.00 元，剩余 197,000,000.00 元" in text
