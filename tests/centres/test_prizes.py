"""A competition prize becomes the winner's registry event, which the engine rewards (二(十))."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from policyhub.centres.events.models import CompetitionEdition, Entry, Prize
from policyhub.centres.events.services import record_prize
from policyhub.engine import evaluate
from policyhub.registry.facts import request_for
from policyhub.registry.models import RegistryEvent, Team
from policyhub.registry.services import Refused
from tests.centres.helpers import client_for, staff
from tests.personas import Personas, personas

pytestmark = pytest.mark.django_db
FINAL = dt.date(2020, 10, 20)


@pytest.fixture
def p() -> Personas:
    return personas()


def entry(org: object = None, team: Team | None = None, code: str = "GWC2020-001") -> Entry:
    edition, _ = CompetitionEdition.objects.get_or_create(number=1, year=2020,
                                                          defaults={"final_on": FINAL})
    return Entry.objects.create(edition=edition, code=code, name="星盾战队",
                                organisation=org, team=team)  # type: ignore[misc]


def test_a_prize_creates_the_registry_event_and_the_engine_awards_it(p: Personas) -> None:
    prize = record_prize(p.bureau_officer, Prize(entry=entry(p.org), rank=1,
                                                 settles_in_changsha=True, awarded_on=FINAL))
    event = prize.registry_event
    assert event is not None and event.organisation == p.org
    assert event.type == "competition_prize" and event.payload["rank"] == 1
    assert event.source is not None and event.source.code == "science"
    decision = evaluate(request_for(p.org, as_of=dt.date(2021, 1, 1)))
    amounts = {a["rule"]: a["amount"] for a in decision["awards"]}
    assert amounts == {"P10.prize": "1000000.00", "P10.settlement": "3000000.00"}


def test_a_team_wins_too(p: Personas) -> None:
    team = Team.objects.create(name="攻防战队")
    record_prize(None, Prize(entry=entry(team=team), rank=3, awarded_on=FINAL))
    decision = evaluate(request_for(team, as_of=dt.date(2021, 1, 1)))
    assert [(a["rule"], a["amount"]) for a in decision["awards"]] == [("P10.prize",
                                                                        "300000.00")]


def test_an_entry_outside_the_registry_cannot_win(p: Personas) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        record_prize(None, Prize(entry=entry(), rank=2, awarded_on=FINAL))
    assert not RegistryEvent.objects.exists()


def test_the_registry_rule_applies_on_top_of_the_centre_rule(p: Personas) -> None:
    science_reviewer = staff("science")  # may record editions, not registry facts
    with pytest.raises(Refused) as exc:
        record_prize(science_reviewer, Prize(entry=entry(p.org), rank=2, awarded_on=FINAL))
    assert "只读" in exc.value.reason or "无权" in exc.value.reason
    assert not Prize.objects.exists() and not RegistryEvent.objects.exists()


def test_the_prize_page_records_the_event(p: Personas) -> None:
    e = entry(p.org)
    client = client_for(p.bureau_officer)
    response = client.post(reverse("centres_events:prizes-create"), {
        "entry": e.pk, "rank": 2, "awarded_on": "2020-10-20"})
    assert response.status_code == 302
    prize = Prize.objects.get()
    assert prize.registry_event is not None
    html = client.get(response["Location"]).content.decode()
    assert "competition_prize" in html or "竞赛获奖" in html
