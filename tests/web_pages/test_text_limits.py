"""Text limits and amounts: a reason over 2,000 characters, a registry search or a committee
member's name over 200, is refused
with a clear message and changes nothing; the approved amount is called so only once
approved."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.personas import Personas
from tests.web_pages.conftest import Login
from tests.web_pages.helpers import draft, move

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("length", "state"), [(2_000, "returned"), (2_001, "submitted")])
def test_a_reason_of_more_than_2000_characters_is_refused(
        login: Login, people: Personas, today: Any, length: int, state: str) -> None:
    app = move(draft(people), "submit", people.applicant)
    response = login("park_officer").post(
        reverse("applications:transition", args=[app.pk]),
        {"transition": "return", "reason": "补" * length}, headers={"HX-Request": "true"})
    app.refresh_from_db()
    assert app.state == state
    if state == "submitted":
        assert response.status_code == 422 and "理由/意见最多2,000个字符" in response.text


def test_the_page_says_proposed_amount_until_approval(
        login: Login, people: Personas, today: Any) -> None:
    app = move(draft(people), "submit", people.applicant)
    page = login("park_officer").get(reverse("applications:detail", args=[app.pk])).text
    assert "拟核定金额（元）" in page and "批准金额（元）" not in page.split("流转记录")[0]
    assert 'maxlength="2000"' in page


def test_a_refused_move_from_a_stale_tab_reloads_the_current_state(
        login: Login, people: Personas, today: Any) -> None:
    app = move(draft(people), "submit", people.applicant)
    move(app, "accept", people.park_officer)  # done in another tab meanwhile
    client = login("park_officer")
    response = client.post(reverse("applications:transition", args=[app.pk]),
                           {"transition": "accept", "seen_state": "submitted"},
                           headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("applications:detail", args=[app.pk])
    page = client.get(response["HX-Redirect"]).text
    assert "该申报已由他人办理，当前状态为“已受理”" in page


# --- names ≤ 200 characters --------------------------------------------------------------------


@pytest.mark.parametrize(("length", "found"), [(200, False), (201, False)])
def test_a_registry_search_of_more_than_200_characters_says_so(
        login: Login, people: Personas, length: int, found: bool) -> None:
    response = login("bureau_officer").get(reverse("registry:index"), {"q": "名" * length})
    assert response.status_code == 200
    assert people.org.name not in response.text.split("</form>", 1)[-1]  # nothing matches
    assert ("名称或代码最多200个字符" in response.text) is (length > 200)


def test_a_committee_member_name_of_more_than_200_characters_is_refused(
        login: Login, people: Personas, today: Any) -> None:
    from policyhub.applications.models import CommitteeDecision
    from tests.web_pages.test_people_and_committee_applications import _form, _leader

    app = _leader(people)
    url = reverse("applications:committee_decision", args=[app.pk])
    client = login("bureau_officer")
    response = client.post(url, _form(members="市财政局、" + "名" * 201))
    assert response.status_code == 422
    assert "每位参会成员的姓名最多200个字符" in response.text
    assert not CommitteeDecision.objects.exists()
    assert client.post(url, _form(members="市财政局、" + "名" * 200)).status_code == 303
