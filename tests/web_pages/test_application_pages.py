"""申报审核 pages: list and detail per persona, moves through the page (audited), refusals
with their reasons, the new-application form and 免申即享 proposals."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from policyhub.applications.models import Application, Proposal
from policyhub.audit.models import AuditEntry
from tests.personas import Personas
from tests.web_pages.conftest import Login
from tests.web_pages.helpers import AFTER_NOTICE, CEILING, draft, fund, in_notice, move

SEES_DRAFT = ["applicant", "park_officer", "reviewer", "bureau_officer", "finance", "auditor",
              "admin"]
Today = Callable[[Any], None]


@pytest.mark.parametrize("persona", SEES_DRAFT)
def test_it_lists_and_shows_the_application_to_those_in_scope(
        login: Login, people: Personas, persona: str) -> None:
    app = draft(people)
    client = login(persona)
    assert people.org.name in client.get(reverse("applications:index")).text
    response = client.get(reverse("applications:detail", args=[app.pk]))
    assert response.status_code == 200
    text = response.text
    assert "2,000,000.00" in text  # the engine's ceiling
    assert "政策引擎核定上限" in text
    assert "二(七)" in text and "/policy/#" in text  # the clause, linked
    assert "创建" in text  # the history


def test_it_gives_an_outsider_an_empty_list_and_a_404_like_an_unknown_id(
        login: Login, people: Personas) -> None:
    app = draft(people)
    client = login("outsider")
    listing = client.get(reverse("applications:index"))
    assert listing.status_code == 200 and people.org.name not in listing.text
    response = client.get(reverse("applications:detail", args=[app.pk]))
    missing = client.get(reverse("applications:detail", args=[app.pk + 1000]))
    assert response.status_code == missing.status_code == 404
    assert response.content == missing.content and "您无权查看该申报" not in response.text
    refusal = AuditEntry.objects.get(action="applications.view", allowed=False)
    assert "您无权查看该申报" in refusal.reason  # the reason stays in the audit trail


def test_it_filters_the_list_by_state(login: Login, people: Personas) -> None:
    draft(people)
    client = login("auditor")
    assert people.org.name in client.get(reverse("applications:index"), {"state": "draft"}).text
    assert people.org.name not in client.get(
        reverse("applications:index"), {"state": "paid"}).text


def test_it_offers_only_the_moves_the_user_may_make(login: Login, people: Personas) -> None:
    app = draft(people)
    url = reverse("applications:detail", args=[app.pk])
    assert 'data-transition="submit"' in login("applicant").get(url).text
    assert 'data-transition="withdraw"' in login("applicant").get(url).text
    assert "data-transition=" not in login("finance").get(url).text


def test_a_move_through_the_page_changes_state_and_is_audited(
        login: Login, people: Personas, today: Today) -> None:
    app = draft(people)
    response = login("applicant").post(
        reverse("applications:transition", args=[app.pk]), {"transition": "submit"})
    assert response.status_code == 303
    app.refresh_from_db()
    assert app.state == "submitted"
    entry = AuditEntry.objects.filter(action="applications.submit").last()
    assert entry is not None and entry.allowed is True
    assert entry.actor_label == "applicant"
    page = login("applicant").get(reverse("applications:detail", args=[app.pk])).text
    assert "<td>提交</td>" in page and "重新提交" not in page  # the history names the move
    assert f"<td>{app.applicant_name}</td>" in page  # … and who it was made for, by name


def test_an_htmx_move_redirects_the_page(login: Login, people: Personas, today: Today) -> None:
    app = move(draft(people), "submit", people.applicant)
    response = login("park_officer").post(
        reverse("applications:transition", args=[app.pk]), {"transition": "accept"},
        headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("applications:detail", args=[app.pk])
    app.refresh_from_db()
    assert app.state == "accepted"


def test_a_refusal_without_a_reason_shows_the_error(
        login: Login, people: Personas, today: Today) -> None:
    app = move(draft(people), "submit", people.applicant)
    response = login("park_officer").post(
        reverse("applications:transition", args=[app.pk]), {"transition": "return"},
        headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert "必须填写理由" in response.text
    app.refresh_from_db()
    assert app.state == "submitted"
    entry = AuditEntry.objects.filter(action="applications.return").last()
    assert entry is not None and entry.allowed is False and "理由" in entry.reason


def test_a_move_by_the_wrong_role_is_refused_with_403(
        login: Login, people: Personas, today: Today) -> None:
    app = draft(people)
    response = login("finance").post(
        reverse("applications:transition", args=[app.pk]), {"transition": "submit"})
    assert response.status_code == 403
    assert "须由" in response.text


def test_an_amount_above_the_ceiling_is_refused(
        login: Login, people: Personas, today: Today) -> None:
    app = move(move(draft(people), "submit", people.applicant), "accept", people.park_officer)
    response = login("reviewer").post(
        reverse("applications:transition", args=[app.pk]),
        {"transition": "review", "amount": "2000000.01"})
    assert response.status_code == 422
    assert "超过政策引擎上限" in response.text
    ok = login("reviewer").post(
        reverse("applications:transition", args=[app.pk]),
        {"transition": "review", "amount": "1,800,000.00"})
    assert ok.status_code == 303
    app.refresh_from_db()
    assert app.state == "reviewed" and app.approved_amount == Decimal("1800000.00")


def test_approval_waits_for_the_notice_to_end(
        login: Login, people: Personas, today: Today) -> None:
    fund(people)
    app = in_notice(people)
    url = reverse("applications:transition", args=[app.pk])
    early = login("bureau_officer").post(url, {"transition": "approve"})
    assert early.status_code == 422 and "期满后方可批准" in early.text
    today(AFTER_NOTICE)
    assert login("bureau_officer").post(url, {"transition": "approve"}).status_code == 303
    app.refresh_from_db()
    assert app.state == "approved"


def test_the_new_application_form_offers_what_the_engine_grants(
        login: Login, people: Personas, today: Today) -> None:
    client = login("applicant")
    page = client.get(reverse("applications:new"))
    assert page.status_code == 200
    assert "P7.project|proj-1" in page.text
    response = client.post(reverse("applications:new"),
                           {"organisation": people.org.pk, "award": "P7.project|proj-1"})
    app = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("applications:detail", args=[app.pk])
    assert app.state == "draft" and app.entitled_amount == CEILING


def test_the_new_application_form_refuses_staff_without_an_organisation(
        login: Login, people: Personas) -> None:
    response = login("reviewer").get(reverse("applications:new"))
    assert response.status_code == 403
    assert "只有申报主体本身或其所在园区管委会可以代为申报" in response.text


def _proposal(people: Personas) -> Proposal:
    return Proposal.objects.create(
        organisation=people.org, rule="P7.project", clause="二(七)", matter="proj-1",
        amount=CEILING, ceiling=True, explanation="筛查所得", decision={}, run="test")


def test_the_applicant_confirms_a_proposal_in_one_click(
        login: Login, people: Personas, today: Today) -> None:
    proposal = _proposal(people)
    client = login("applicant")
    assert "一键确认</button>" in client.get(reverse("applications:proposals")).text
    response = client.post(reverse("applications:confirm_proposal", args=[proposal.pk]))
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.CONFIRMED
    assert proposal.application is not None and proposal.application.state == "accepted"
    assert response["Location"] == reverse("applications:detail",
                                           args=[proposal.application.pk])


def test_others_see_no_confirm_button_and_are_refused(
        login: Login, people: Personas, today: Today) -> None:
    proposal = _proposal(people)
    assert "暂无免申即享建议" in login("outsider").get(reverse("applications:proposals")).text
    client = login("auditor")
    text = client.get(reverse("applications:proposals")).text
    assert people.org.name in text and "一键确认</button>" not in text
    response = client.post(reverse("applications:confirm_proposal", args=[proposal.pk]))
    assert response.status_code == 403
    assert "只有申报主体本身可以确认" in response.text


def test_a_second_tab_confirming_the_same_proposal_is_shown_the_first_application(
        login: Login, people: Personas, today: Today) -> None:
    proposal = _proposal(people)
    client = login("applicant")
    url = reverse("applications:confirm_proposal", args=[proposal.pk])
    first = client.post(url)
    again = client.post(url, follow=True)
    app = Application.objects.get()
    assert first["Location"] == again.redirect_chain[-1][0] == reverse(
        "applications:detail", args=[app.pk])
    assert f"该建议已确认过，申报编号{app.pk}（已受理）" in again.text


def test_the_new_form_names_the_application_already_filed_for_the_matter(
        login: Login, people: Personas, today: Today) -> None:
    app = draft(people)
    client = login("applicant")
    response = client.post(reverse("applications:new"), {
        "applicant": f"O-{people.org.pk}", "award": "P7.project|proj-1"})
    assert response.status_code == 422
    assert f"编号{app.pk}" in response.text and "同一事项不能重复申报" in response.text
