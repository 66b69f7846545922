"""request_for: registry facts as a policyhub.evaluate/1 request, fed to the engine."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from policyhub.engine import evaluate
from policyhub.registry.facts import request_for
from policyhub.registry.models import Person, Team
from tests.personas import organisation
from tests.registry.helpers import event, figure

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2022, 3, 31)


def granted(decision: dict[str, Any]) -> dict[tuple[str, str], Decimal]:
    return {(a["rule"], a["matter"]): Decimal(a["amount"])
            for a in decision["awards"] if a["status"] == "granted"}


def test_hand_made_figures_give_the_milestone_award() -> None:
    org = organisation()
    for year, revenue in ((2018, "8000000"), (2019, "9500000.50"), (2020, "62000000"),
                          (2021, "64000000")):
        figure(org, year, revenue)
    request = request_for(org, as_of=AS_OF)
    assert request["applicant"]["credit_code"] == org.credit_code
    assert [e["year"] for e in request["events"]] == [2018, 2019, 2020, 2021]
    decision = evaluate(request)
    # 2020 first reaches 10M and 50M at once; `highest` (the default) pays only 50M's award.
    assert granted(decision) == {("P4.milestone", "revenue-2020"): Decimal("500000.00")}
    assert decision["total"] == "500000.00"
    cumulative = evaluate(request_for(org, as_of=AS_OF,
                                      options={"milestone_jump": "cumulative"}))
    assert cumulative["total"] == "600000.00"


def test_registry_events_go_in_with_their_matters_and_scope_flags() -> None:
    org = organisation()
    figure(org, 2020, "1000")
    event(org, matter="std-1", level="national")
    event(org, event_type="ipo_stage", day=dt.date(2021, 2, 1), matter="ipo")
    decision = evaluate(request_for(org, as_of=AS_OF))
    assert granted(decision) == {("P6.standard", "std-1"): Decimal("100000.00"),
                                 ("P8.ipo", "ipo"): Decimal("1000000.00")}
    org.taxed_in_changsha = False
    org.save()
    out = evaluate(request_for(org, as_of=AS_OF))
    assert out["total"] == "0.00"
    assert {r["reason_code"] for r in out["ineligible"]} == {"out_of_scope"}


def test_the_engine_judges_dates_against_as_of() -> None:
    org = organisation()
    event(org, matter="std-1", level="local", day=dt.date(2021, 5, 1))
    decision = evaluate(request_for(org, as_of=dt.date(2021, 1, 1)))
    assert [r["reason_code"] for r in decision["ineligible"]] == ["future_event"]


def test_chosen_events_only_and_never_another_applicants() -> None:
    org, other = organisation(), organisation("长沙别家科技有限公司")
    chosen = event(org, matter="a", level="national")
    event(org, matter="b", level="international")
    request = request_for(org, as_of=AS_OF, events=[chosen])
    assert [e.get("matter") for e in request["events"]] == ["a"]
    with pytest.raises(ValueError):
        request_for(other, as_of=AS_OF, events=[chosen])


def test_people_and_teams_are_applicants_too() -> None:
    person = Person.objects.create(name="陈静", works_in_changsha=True, based_in_changsha=True)
    event(person=person, event_type="talent_recognition", matter="t-1")
    decision = evaluate(request_for(person, as_of=AS_OF))
    # 1,500,000 reward plus 150 m² × 12,000 housing
    assert decision["total"] == "3300000.00"
    team = Team.objects.create(name="星盾攻防团队", leader=person, based_in_changsha=False)
    event(team=team, event_type="competition_prize")
    request = request_for(team, as_of=AS_OF)
    assert request["applicant"]["kind"] == "team" and "credit_code" not in request["applicant"]
    assert evaluate(request)["total"] == "4000000.00"  # prizes are exempt from the scope test
