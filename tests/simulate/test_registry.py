"""The registry as the simulation's input: every organisation (and talent and team with
facts) becomes the kernel's events table with its district and park, decided as the engine
decides each applicant; `policyhub simulate --registry` runs on it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from policyhub.cli import main
from policyhub.engine import evaluate
from policyhub.registry.facts import request_for
from policyhub.registry.models import Organisation, YearlyFigure
from policyhub.simulate.registry import registry_frame
from policyhub.simulate.run import Simulation
from policyhub.simulate.scenario import SCENARIO_DIR, law_scenario
from tests.personas import organisation

AS_OF = dt.date(2022, 12, 31)


@pytest.fixture
def firms(db: None) -> list[Organisation]:
    star = organisation("长沙星盾网络安全有限公司")
    other = organisation("长沙砺剑信息科技有限公司", district="天心区", park="hitech")
    for org, revenues in ((star, ("8000000", "12000000", "60000000")),
                          (other, ("900000", "1000000", "1100000"))):
        for year, revenue in zip((2019, 2020, 2021), revenues, strict=True):
            YearlyFigure.objects.create(organisation=org, year=year,
                                        main_business_revenue=Decimal(revenue))
    return [star, other]


def test_the_registry_frame_decides_as_the_engine(firms: list[Organisation]) -> None:
    frame = registry_frame(AS_OF)
    assert set(frame["district"].unique()) == {"岳麓区", "天心区"}
    base, _scen = Simulation(law_scenario(), AS_OF).decide(frame)
    want = [Decimal(evaluate(request_for(org, as_of=AS_OF), today=AS_OF)["total"])
            for org in Organisation.objects.order_by("pk")]
    assert [Decimal(int(t)).scaleb(-2) for t in base.total] == want
    assert want[0] == Decimal("600000.00")  # 2020: 100,000; 2021: 500,000


def test_the_bulk_frame_is_the_frame_of_each_applicants_request(
        firms: list[Organisation]) -> None:
    from policyhub.applications.screening import _applicants
    from policyhub.registry.models import Person, RegistryEvent
    from policyhub.simulate import registry
    from policyhub.simulate.frames import frame_of

    talent = Person.objects.create(name="李明", organisation=firms[1])
    RegistryEvent.objects.create(person=talent, type="talent_recognition",
                                 date=dt.date(2020, 5, 1),
                                 payload={"level": "national_leader",
                                          "housing_price_per_m2": "12000"})
    RegistryEvent.objects.create(organisation=firms[0], type="ipo_stage",
                                 date=dt.date(2021, 3, 1), payload={"stage": "listed"})
    one_by_one = frame_of((request_for(a, as_of=AS_OF), registry._place(a))
                          for a in _applicants())
    assert registry_frame(AS_OF).equals(one_by_one)
    assert one_by_one.height == 3 + 3 + 1 + 1  # two firms' years, the listing, the talent


def test_simulate_registry_from_the_command_line(firms: list[Organisation], tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["simulate", "--registry", "--scenario",
                 str(SCENARIO_DIR / "milestones_up.yaml"), "--as-of", AS_OF.isoformat(),
                 "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0 and (tmp_path / "simulation.xlsx").exists()
    # 二(四): 150,000 + 750,000 instead of 100,000 + 500,000
    assert "600,000.00 元 → 方案 scenario 900,000.00 元" in out
