"""People and teams as applicants (《若干政策》二(五) talents and teams, 二(十) competition
teams): the workflow, the permissions, 就高不就低 per applicant, the ledger's payee,
免申即享 proposals, and the one-applicant constraint."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from policyhub.accounts.models import Role
from policyhub.applications import services, workflow
from policyhub.applications.errors import Refused
from policyhub.applications.models import Application, Proposal
from policyhub.applications.permissions import can_transition, can_view, role_for, visible
from policyhub.applications.screening import screen
from policyhub.ledger.models import Commitment
from policyhub.registry.models import Person, RegistryEvent, Team
from tests.applications.helpers import AFTER_NOTICE, DAY, fund, move
from tests.personas import Personas, organisation, personas, unit, user

pytestmark = pytest.mark.django_db

TALENT = Decimal("1500000.00")  # 二(五) national_leader talent reward
PRIZE = Decimal("500000.00")  # 二(十) second prize


def talent(matter: str = "talent") -> list[dict[str, Any]]:
    return [{"type": "talent_recognition", "date": "2020-05-01", "level": "national_leader",
             "housing_price_per_m2": "10000", "matter": matter}]


def prize(matter: str = "prize-1") -> list[dict[str, Any]]:
    return [{"type": "competition_prize", "date": "2020-11-28", "rank": 2,
             "settles_in_changsha": False, "matter": matter}]


def person(p: Personas, name: str = "张三") -> Person:
    return Person.objects.create(name=name, organisation=p.org, id_number_masked="4301****1234")


def team(p: Personas, name: str = "星盾战队") -> Team:
    t = Team.objects.create(name=name, leader=person(p, "李四"))
    return t


def reviewer(code: str) -> User:
    return user(f"{code}_reviewer", Role.DEPARTMENT_REVIEWER, unit_code=code)


def to_paid(p: Personas, app: Application, department: User, filer: User | None = None,
            park: User | None = None) -> Application:
    app = move(app, "submit", filer or p.applicant)
    app = move(app, "accept", park or p.park_officer)
    app = move(app, "review", department)
    app = move(app, "final_review", p.bureau_officer)
    app = move(app, "approve", p.bureau_officer, on=AFTER_NOTICE)
    return move(app, "pay", p.finance, on=AFTER_NOTICE)


def test_a_person_application_goes_from_draft_to_paid() -> None:
    p = personas()
    fund(p)
    talent_person = person(p)
    app = services.apply(talent_person, "P5.talent_reward", "talent", p.applicant,
                         events=talent(), on=DAY)
    assert app.applicant == talent_person and app.applicant_kind == "person"
    assert app.organisation is None and app.park == p.org.park
    assert app.department.code == "hrss" and app.entitled_amount == TALENT
    app = to_paid(p, app, reviewer("hrss"))
    assert app.state == "paid" and app.approved_amount == TALENT
    commitment = Commitment.objects.get(award_key=app.award_key)
    assert commitment.payee == "张三"  # the applicant's name
    assert commitment.district == p.org.district  # counted where the employer is
    assert [r.name for r in app.history.all()] == [
        "create", "submit", "accept", "review", "final_review", "approve", "pay"]


def test_the_engine_decides_on_the_persons_own_registry_facts() -> None:
    p = personas()
    talent_person = person(p)
    RegistryEvent.objects.create(person=talent_person, type="urgent_talent",
                                 date=dt.date(2020, 5, 1), matter="urgent-1",
                                 payload={"category": "A"})
    app = services.apply(talent_person, "P5.urgent_talent", "urgent-1", p.applicant, events=[],
                         on=DAY)
    assert app.entitled_amount == Decimal("500000.00")
    assert app.decision["engine"]["applicant"]["id"] == f"P-{talent_person.pk}"


def test_a_team_prize_application_is_reviewed_by_cac_and_paid() -> None:
    p = personas()
    fund(p)
    winners = team(p)
    app = services.apply(winners, "P10.prize", "prize-1", p.park_officer, events=prize(),
                         on=DAY)  # the park committee on the team's behalf
    assert app.applicant == winners and app.applicant_kind == "team"
    assert app.clause == "二(十)" and app.department.code == "cac"
    assert app.entitled_amount == PRIZE and str(app) == f"#{app.pk} 星盾战队 二(十) prize-1"
    app = to_paid(p, app, reviewer("cac"))
    assert app.state == "paid"
    assert Commitment.objects.get(award_key=app.award_key).payee == "星盾战队"


def test_a_person_with_no_organisation_is_applied_for_and_received_by_the_bureau() -> None:
    p = personas()
    fund(p)
    loner = Person.objects.create(name="王五")
    with pytest.raises(Refused) as refused:
        services.apply(loner, "P5.talent_reward", "talent", p.applicant, events=talent(),
                       on=DAY)
    assert refused.value.permission and "市工业和信息化局代为申报" in refused.value.reason
    app = services.apply(loner, "P5.talent_reward", "talent", p.bureau_officer,
                         events=talent(), on=DAY)
    assert app.park is None
    # No park committee: the bureau stands in for it, and nobody else does.
    assert not can_transition(p.park_officer, app, "submit")[0]
    assert not can_view(p.applicant, app)[0]
    app = to_paid(p, app, reviewer("hrss"), filer=p.bureau_officer, park=p.bureau_officer)
    assert app.state == "paid"
    submit = app.history.get(name="submit")
    assert submit.role == Role.BUREAU_OFFICER


# --- permissions ----------------------------------------------------------------------------

OTHER = "other"  # an applicant and a park officer of another organisation in another park


@pytest.fixture
def world() -> dict[str, Any]:
    p = personas()
    other_org = organisation("长沙另一家网络安全有限公司", park="ceda")
    users = {name: getattr(p, name) for name in (
        "applicant", "park_officer", "reviewer", "bureau_officer", "finance", "auditor",
        "admin", "outsider")}
    users["hrss"] = reviewer("hrss")
    users["cac"] = reviewer("cac")
    users["other_applicant"] = user("other_applicant", Role.APPLICANT, org=other_org)
    users["other_park"] = user("other_park", Role.PARK_OFFICER, unit_code="ceda")
    talent_app = services.apply(person(p), "P5.talent_reward", "talent", p.applicant,
                                events=talent(), on=DAY)
    prize_app = services.apply(team(p), "P10.prize", "prize-1", p.applicant, events=prize(),
                               on=DAY)
    return {"p": p, "users": users, "person": talent_app, "team": prize_app}


SEES = {"applicant", "park_officer", "bureau_officer", "finance", "auditor", "admin"}
# Who may make each move on the person/team application from the state the move leaves.
MATRIX = {
    ("submit", "draft"): {"applicant", "park_officer"},
    ("withdraw", "draft"): {"applicant"},
    ("accept", "submitted"): {"park_officer"},
    ("return", "submitted"): {"park_officer"},
    ("review", "accepted"): {"department"},
    ("final_review", "reviewed"): {"bureau_officer"},
    ("approve", "notice"): {"bureau_officer"},
    ("pay", "approved"): {"finance"},
    ("appeal", "refused"): {"applicant"},
}


@pytest.mark.parametrize("kind", ["person", "team"])
def test_who_sees_a_person_or_team_application(world: dict[str, Any], kind: str) -> None:
    app: Application = world[kind]
    department = "hrss" if kind == "person" else "cac"
    for name, u in world["users"].items():
        expected = name in SEES or name == department
        assert can_view(u, app)[0] is expected, name
        assert (app in visible(u)) is expected, name


@pytest.mark.parametrize("kind", ["person", "team"])
@pytest.mark.parametrize(("name", "source"), list(MATRIX))
def test_who_moves_a_person_or_team_application(world: dict[str, Any], kind: str, name: str,
                                                source: str) -> None:
    app: Application = world[kind]
    app.state = source
    app.save()
    department = "hrss" if kind == "person" else "cac"
    allowed_names = {department if n == "department" else n for n in MATRIX[(name, source)]}
    for persona, u in world["users"].items():
        allowed, reason = can_transition(u, app, name)
        assert allowed is (persona in allowed_names), (persona, name, source)
        if not allowed:
            assert reason


def test_only_its_organisation_or_park_applies_for_a_person_or_team(
        world: dict[str, Any]) -> None:
    p: Personas = world["p"]
    users = world["users"]
    someone = Person.objects.create(name="赵六", organisation=p.org)
    for name in ("other_applicant", "other_park", "reviewer", "bureau_officer", "outsider"):
        with pytest.raises(Refused) as refused:
            services.apply(someone, "P5.talent_reward", "t-9", users[name], events=talent("t-9"),
                           on=DAY)
        assert refused.value.permission and "赵六" in refused.value.reason, name


# --- 就高不就低 per applicant ------------------------------------------------------------------


def test_the_higher_clause_supersedes_the_lower_for_the_same_person_and_matter() -> None:
    p = personas()
    fund(p)
    crew = team(p)
    hrss = reviewer("hrss")
    lower = services.apply(crew, "P10.prize", "m-1", p.applicant, events=prize("m-1"), on=DAY)
    lower = move(lower, "submit", p.applicant)
    # The organisation's own application with the same matter name is not a rival.
    org_app = services.apply(p.org, "P10.prize", "m-1", p.applicant, events=prize("m-1"),
                             on=DAY)
    org_app = move(org_app, "submit", p.applicant)
    higher = services.apply(crew, "P5.civil_military_team", "m-1", p.applicant,
                            events=[{"type": "civil_military_team_project",
                                     "date": "2020-05-01", "matter": "m-1"}], on=DAY)
    higher = move(move(higher, "submit", p.applicant), "accept", p.park_officer)
    higher = move(move(higher, "review", hrss), "final_review", p.bureau_officer)
    move(higher, "approve", p.bureau_officer, on=AFTER_NOTICE)
    lower.refresh_from_db()
    org_app.refresh_from_db()
    assert lower.state == "superseded" and org_app.state == "submitted"
    row = lower.history.last()
    assert row is not None and "就高不就低" in row.reason and "星盾战队" in row.reason


def test_the_same_person_cannot_apply_twice_for_one_rule_and_matter() -> None:
    p = personas()
    star = person(p)
    first = services.apply(star, "P5.talent_reward", "talent", p.applicant, events=talent(),
                           on=DAY)
    with pytest.raises(Refused, match=f"已就.*编号{first.pk}"):
        services.apply(star, "P5.talent_reward", "talent", p.applicant, events=talent(),
                       on=DAY)


# --- 免申即享 ----------------------------------------------------------------------------------


def test_screening_proposes_to_people_and_teams_and_their_organisation_confirms() -> None:
    p = personas()
    star = person(p)
    RegistryEvent.objects.create(person=star, type="urgent_talent", date=dt.date(2020, 5, 1),
                                 matter="urgent-1", payload={"category": "B"})
    winners = team(p)
    RegistryEvent.objects.create(team=winners, type="competition_prize",
                                 date=dt.date(2020, 11, 28), matter="prize-1",
                                 payload={"rank": 1, "settles_in_changsha": False})
    summary = screen(DAY)
    assert (summary.people, summary.teams, summary.created) == (1, 1, 2)
    assert "1 people and 1 teams" in summary.line()
    mine = Proposal.objects.get(person=star)
    assert mine.applicant == star and mine.amount == Decimal("300000.00")
    assert Proposal.objects.get(team=winners).amount == Decimal("1000000.00")
    assert screen(DAY).created == 0  # idempotent per applicant
    other = user("other_applicant", Role.APPLICANT,
                 org=organisation("长沙另一家网络安全有限公司", park="ceda"))
    with pytest.raises(Refused):
        services.confirm_proposal(mine, other, on=DAY)
    app = services.confirm_proposal(mine, p.applicant, on=DAY)
    assert app.state == "accepted" and app.person == star


# --- the one-applicant constraint -----------------------------------------------------------


def _row(p: Personas, **who: Any) -> Application:
    return Application(rule="P5.talent_reward", clause="二(五)", reference="政策/二/(五)#1",
                       matter="x", department=unit("hrss"), created_by=p.applicant, **who)


def test_the_database_refuses_two_applicants_or_none() -> None:
    p = personas()
    star = person(p)
    for who in ({"organisation": p.org, "person": star},
                {"person": star, "team": team(p)},
                {}):
        with pytest.raises(IntegrityError), transaction.atomic():
            _row(p, **who).save()
    _row(p, person=star).save()  # exactly one is fine
    with pytest.raises(IntegrityError), transaction.atomic():
        Proposal.objects.create(organisation=p.org, person=star, rule="r", clause="c",
                                matter="m", amount=Decimal(1), run="t")


def test_an_organisation_application_still_has_its_organisation_as_applicant() -> None:
    p = personas()
    app = services.apply(p.org, "P6.standard", "std-1", p.applicant,
                         events=[{"type": "standard_led", "date": "2020-05-10",
                                  "level": "national", "matter": "std-1"}], on=DAY)
    assert app.applicant == p.org and app.applicant_kind == "organisation"
    assert app.applicant_code == p.org.credit_code and app.owning_organisation == p.org
    move_ = workflow.move("submit", "draft")
    assert move_ is not None and role_for(p.applicant, app, move_) == "applicant"


# --- the API ----------------------------------------------------------------------------------


def _api(u: User) -> Any:
    from django.test import Client

    c = Client()
    c.force_login(u)
    return c


def test_the_api_applies_for_a_person_and_lists_the_applicant_whatever_its_kind(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    monkeypatch.setattr(services, "today", lambda: DAY)
    p = personas()
    star = person(p)
    c = _api(p.applicant)
    body = {"person_id": star.pk, "rule": "P5.talent_reward", "matter": "talent",
            "events": talent()}
    response = c.post("/api/v1/applications/", json.dumps(body),
                      content_type="application/json")
    assert response.status_code == 201, response.content
    out = response.json()
    assert (out["applicant"], out["applicant_kind"], out["applicant_id"]) == (
        "张三", "person", f"P-{star.pk}")
    assert out["organisation"] == p.org.name and out["committee_decisions"] == []
    both = {**body, "organisation_id": p.org.pk}
    refused = c.post("/api/v1/applications/", json.dumps(both),
                     content_type="application/json")
    assert refused.status_code == 422 and "只能指定一个申报主体" in refused.json()["detail"]
    items = _api(p.park_officer).get("/api/v1/applications/").json()["items"]
    assert [(i["applicant"], i["applicant_kind"]) for i in items] == [("张三", "person")]
    assert _api(p.outsider).get("/api/v1/applications/").json()["items"] == []
