"""The permission matrix: who sees and who changes which organisation's records."""

from __future__ import annotations

import pytest

from policyhub.registry.permissions import (
    can_create_organisation,
    can_edit,
    can_view,
    visible_organisations,
)
from tests.personas import Personas, personas
from tests.registry.helpers import figure, other_organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def p() -> Personas:
    return personas()


# persona -> (sees own park's org, sees other park's org, edits own org, edits other org)
MATRIX = {
    "applicant": (True, False, True, False),
    "park_officer": (True, False, False, False),
    "reviewer": (True, True, False, False),
    "bureau_officer": (True, True, True, True),
    "finance": (True, True, False, False),
    "auditor": (True, True, False, False),
    "admin": (True, True, True, True),
    "outsider": (False, False, False, False),
}


@pytest.mark.parametrize("who", sorted(MATRIX))
def test_the_permission_matrix(p: Personas, who: str) -> None:
    other = other_organisation()
    user = getattr(p, who)
    got = (can_view(user, p.org)[0], can_view(user, other)[0],
           can_edit(user, p.org)[0], can_edit(user, other)[0])
    assert got == MATRIX[who]


@pytest.mark.parametrize("who", sorted(MATRIX))
def test_records_follow_their_organisation(p: Personas, who: str) -> None:
    user = getattr(p, who)
    mine = figure(p.org, 2020, "1")
    assert can_view(user, mine) == can_view(user, p.org)
    assert can_edit(user, mine) == can_edit(user, p.org)


def test_a_refusal_gives_a_reason(p: Personas) -> None:
    allowed, reason = can_edit(p.auditor, p.org)
    assert not allowed and "只读" in reason
    allowed, reason = can_view(p.outsider, p.org)
    assert not allowed and reason


def test_only_staff_create_organisations(p: Personas) -> None:
    assert can_create_organisation(p.bureau_officer)[0]
    assert can_create_organisation(p.admin)[0]
    for who in ("applicant", "park_officer", "reviewer", "finance", "auditor", "outsider"):
        assert not can_create_organisation(getattr(p, who))[0], who


def test_lists_are_filtered(p: Personas) -> None:
    other = other_organisation()
    assert set(visible_organisations(p.applicant)) == {p.org}
    assert set(visible_organisations(p.park_officer)) == {p.org}
    assert set(visible_organisations(p.auditor)) == {p.org, other}
    assert not visible_organisations(p.outsider).exists()
