"""申报审核 pages for people and teams as applicants, and the 一事一议 committee-decision form."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from policyhub.accounts.models import Role
from policyhub.applications import services
from policyhub.applications.models import Application, CommitteeDecision
from policyhub.registry import services as registry
from policyhub.registry.models import Person, Team
from tests.personas import Personas, user
from tests.web_pages.conftest import Login
from tests.web_pages.helpers import DAY, move

Today = Callable[[Any], None]


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def _talent(people: Personas, name: str = "张三") -> Person:
    star = Person.objects.create(name=name, organisation=people.org)
    registry.record_event(None, star, "talent_recognition", dt.date(2020, 5, 1),
                          {"level": "national_leader", "housing_price_per_m2": "10000"},
                          matter="talent")
    return star


def _team(people: Personas) -> Team:
    leader = Person.objects.create(name="李四", organisation=people.org)
    winners = Team.objects.create(name="星盾战队", leader=leader)
    registry.record_event(None, winners, "competition_prize", dt.date(2020, 11, 28),
                          {"rank": 2, "settles_in_changsha": False}, matter="prize-1")
    return winners


def test_the_list_and_detail_show_a_person_or_team_applicant(
        login: Login, people: Personas) -> None:
    star = _talent(people)
    person_app = services.apply(star, "P5.talent_reward", "talent", people.applicant, on=DAY)
    team_app = services.apply(_team(people), "P10.prize", "prize-1", people.applicant, on=DAY)
    text = login("applicant").get(reverse("applications:index")).text
    assert "张三" in text and "（人才，长沙星盾网络安全有限公司）" in text
    assert "星盾战队" in text and "（团队，长沙星盾网络安全有限公司）" in text
    detail = login("park_officer").get(reverse("applications:detail", args=[person_app.pk]))
    assert detail.status_code == 200
    assert 'data-kind="person"' in detail.text and "所在单位" in detail.text
    assert reverse("registry:detail", args=[people.org.pk]) in detail.text
    assert login("outsider").get(
        reverse("applications:detail", args=[team_app.pk])).status_code == 404


def test_the_new_form_lets_an_applicant_pick_its_person_or_team(
        login: Login, people: Personas, today: Today) -> None:
    star = _talent(people)
    winners = _team(people)
    client = login("applicant")
    page = client.get(reverse("applications:new"))
    assert f'value="P-{star.pk}"' in page.text and f'value="T-{winners.pk}"' in page.text
    assert f'value="O-{people.org.pk}"' in page.text
    chosen = client.get(reverse("applications:new"), {"applicant": f"P-{star.pk}"})
    assert "P5.talent_reward|talent" in chosen.text
    assert "P7.project|proj-1" not in chosen.text  # the organisation's, not the person's
    response = client.post(reverse("applications:new"),
                           {"applicant": f"P-{star.pk}", "award": "P5.talent_reward|talent"})
    app = Application.objects.get()
    assert response.status_code == 302 and app.person == star
    assert app.entitled_amount == Decimal("1500000.00")
    response = client.post(reverse("applications:new"),
                           {"applicant": f"T-{winners.pk}", "award": "P10.prize|prize-1"})
    assert response.status_code == 302
    assert Application.objects.get(team=winners).entitled_amount == Decimal("500000.00")


def test_the_bureau_applies_for_a_person_with_no_organisation(
        login: Login, people: Personas, today: Today) -> None:
    loner = Person.objects.create(name="王五")
    assert f"P-{loner.pk}" not in login("applicant").get(reverse("applications:new")).text
    client = login("bureau_officer")
    page = client.get(reverse("applications:new"))
    assert page.status_code == 200 and f'value="P-{loner.pk}"' in page.text
    assert "无所在单位" in page.text


# --- 一事一议 ---------------------------------------------------------------------------------


def _leader(people: Personas) -> Application:
    # R4: 二(五) gives the leader project to a talent or team, not to the firm.
    leader = Person.objects.create(name="王五", organisation=people.org)
    app = services.apply(leader, "P5.leader_project", "lead-1", people.applicant,
                         events=[{"type": "discretionary", "date": "2020-07-01",
                                  "rule": "P5.leader_project", "matter": "lead-1"}], on=DAY)
    return move(move(app, "submit", people.applicant), "accept", people.park_officer)


def _form(**fields: Any) -> dict[str, Any]:
    return {"meeting_ref": "长工信专项会〔2021〕4号", "meeting_date": "2021-05-28",
            "amount": "3000000.00", "members": "市工业和信息化局、市财政局\n市委人才办",
            **fields}


def test_only_the_bureau_sees_the_committee_form(login: Login, people: Personas,
                                                  today: Today) -> None:
    app = _leader(people)
    url = reverse("applications:detail", args=[app.pk])
    text = login("bureau_officer").get(url).text
    assert "committee-form" in text and "不超过政策文件上限 10,000,000.00 元" in text
    assert "尚未录入会议决定" in text
    other = login("applicant").get(url).text
    assert "一事一议会议决定" in other and "committee-form" not in other


def test_the_bureau_records_a_decision_with_its_minutes(
        login: Login, people: Personas, today: Today) -> None:
    app = _leader(people)
    client = login("bureau_officer")
    minutes = SimpleUploadedFile("纪要.pdf", b"%PDF-1.4 minutes", content_type="application/pdf")
    response = client.post(reverse("applications:committee_decision", args=[app.pk]),
                           {**_form(), "minutes": minutes})
    assert response.status_code == 303, response.content.decode()
    decision = CommitteeDecision.objects.get()
    assert decision.amount == Decimal("3000000.00")
    assert decision.members == ["市工业和信息化局", "市财政局", "市委人才办"]
    page = client.get(reverse("applications:detail", args=[app.pk])).text
    link = reverse("applications:minutes", args=[app.pk, decision.pk])
    assert "长工信专项会〔2021〕4号" in page and link in page
    download = login("applicant").get(link)
    assert download.status_code == 200 and b"".join(download.streaming_content) == (
        b"%PDF-1.4 minutes")
    assert login("outsider").get(link).status_code == 404  # as if there were none


def test_a_refused_decision_shows_its_reason(login: Login, people: Personas,
                                             today: Today) -> None:
    app = _leader(people)
    url = reverse("applications:committee_decision", args=[app.pk])
    response = login("bureau_officer").post(url, _form(amount="10000000.01"))
    assert response.status_code == 422
    assert "超过政策文件上限10000000.00元" in response.content.decode()
    assert not CommitteeDecision.objects.exists()
    response = login("finance").post(url, _form())
    assert response.status_code == 403
    assert "一事一议会议决定须由市工业和信息化局录入" in response.content.decode()
    response = login("park_officer").post(url, {})  # an empty form: still the reason
    assert response.status_code == 403
    assert "一事一议会议决定须由市工业和信息化局录入" in response.content.decode()
    assert not CommitteeDecision.objects.exists()


def test_an_ordinary_item_has_no_committee_section(login: Login, people: Personas,
                                                   today: Today) -> None:
    app = services.apply(people.org, "P7.project", "proj-1", people.applicant, on=DAY)
    client = login("bureau_officer")
    assert "一事一议会议决定" not in client.get(
        reverse("applications:detail", args=[app.pk])).text
    response = client.post(reverse("applications:committee_decision", args=[app.pk]), _form())
    assert response.status_code == 422 and "不是一事一议事项" in response.content.decode()


def test_a_hrss_reviewer_then_reviews_at_the_decided_amount(
        login: Login, people: Personas, today: Today) -> None:
    app = _leader(people)
    login("bureau_officer").post(reverse("applications:committee_decision", args=[app.pk]),
                                 _form())
    hrss = user("hrss_reviewer", Role.DEPARTMENT_REVIEWER, unit_code="hrss")
    app = move(app, "review", hrss)
    assert app.approved_amount == Decimal("3000000.00")
