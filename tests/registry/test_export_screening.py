"""`policyhub manage export_screening DIR`: the registry as the normalised input of
`policyhub screen`, whose decisions are the engine's on the same facts."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from policyhub.engine import evaluate
from policyhub.registry.facts import applicant_id, request_for
from policyhub.screen.cli import main as screen
from tests.personas import organisation
from tests.registry.helpers import event, figure, other_organisation

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2022, 3, 31)


def test_the_export_screens_to_the_engines_decisions(tmp_path: Path) -> None:
    first, second = organisation(), other_organisation()
    for year, revenue in ((2019, "9500000.50"), (2020, "62000000"), (2021, "64000000")):
        figure(first, year, revenue)
    event(first, matter="std-1", level="national")
    event(first, event_type="ipo_stage", day=dt.date(2021, 2, 1), matter="ipo")
    event(second, matter="std-2", level="international")
    target = tmp_path / "registry"
    call_command("export_screening", str(target))
    assert {p.name for p in target.iterdir()} == {
        "applicants.parquet", "annual_revenue.parquet", "standard_led.parquet",
        "ipo_stage.parquet"}
    decisions = tmp_path / "decisions.jsonl"
    assert screen([str(target), "-o", str(decisions), "--as-of", AS_OF.isoformat(),
                   "--no-progress"]) == 0
    screened = {d["applicant"]["id"]: d for d in map(json.loads, decisions.read_text(
        encoding="utf-8").splitlines())}
    for org in (first, second):
        engine = evaluate(request_for(org, as_of=AS_OF))
        mine = screened[applicant_id(org)]
        assert mine["total"] == engine["total"]
        assert [(a["rule"], a["matter"], a["amount"], a["status"]) for a in mine["awards"]] == \
            [(a["rule"], a["matter"], a["amount"], a["status"]) for a in engine["awards"]]
    assert screened[applicant_id(first)]["total"] != "0.00"


def test_the_export_writes_a_new_directory_only(tmp_path: Path) -> None:
    organisation()
    (tmp_path / "old").mkdir()
    with pytest.raises(CommandError, match="already exists"):
        call_command("export_screening", str(tmp_path / "old"))
    assert list((tmp_path / "old").iterdir()) == []
