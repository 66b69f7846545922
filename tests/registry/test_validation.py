"""Event payloads are checked by the engine's own request parser."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from policyhub.engine.request import EVENT_TYPES, parse_request
from policyhub.registry.facts import applicant_part
from policyhub.registry.models import REGISTRY_EVENT_TYPES, RegistryEvent
from policyhub.registry.validation import parse_event
from tests.personas import organisation
from tests.registry.helpers import DAY, SAMPLE_PAYLOADS


def test_every_engine_event_type_but_annual_revenue_is_a_registry_type() -> None:
    assert set(REGISTRY_EVENT_TYPES) == set(EVENT_TYPES) - {"annual_revenue"}
    assert set(SAMPLE_PAYLOADS) == set(REGISTRY_EVENT_TYPES)


@pytest.mark.parametrize("event_type", sorted(SAMPLE_PAYLOADS))
def test_a_valid_payload_of_every_type_is_accepted(event_type: str) -> None:
    assert parse_event(event_type, DAY, SAMPLE_PAYLOADS[event_type]) == \
        SAMPLE_PAYLOADS[event_type]


@pytest.mark.parametrize(("event_type", "payload", "field"), [
    ("ipo_stage", {"stage": "ipo"}, "stage"),
    ("competition_prize", {"rank": 4, "settles_in_changsha": True}, "rank"),
    ("project_investment", {"total_investment": "-5", "actual_investment": "1",
                            "kind": "new_build"}, "total_investment"),
    ("urgent_talent", {}, "category"),
    ("platform_service_fees", {"major_public_platform": True,
                               "fees": [{"date": "2020-02-30", "amount": "1"}]},
     "fees[0].date"),
    ("standard_led", {"level": "national", "levle": "x"}, "payload"),
    ("standard_led", {"level": "national", "date": "2020-01-01"}, "payload"),
])
def test_what_the_engine_refuses_the_registry_refuses_naming_the_field(
        event_type: str, payload: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_event(event_type, DAY, payload)
    assert field in info.value.message_dict


def test_an_unknown_type_and_a_missing_date_are_refused() -> None:
    with pytest.raises(ValidationError) as info:
        parse_event("annual_revenue", DAY, {"year": 2020, "amount": "1"})
    assert "type" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        parse_event("standard_led", None, {"level": "national"})
    assert "date" in info.value.message_dict


def test_money_is_stored_as_plain_strings_never_floats_and_to_the_fen() -> None:
    stored = parse_event("pk_demo_project", DAY,
                         {"rd_investment": Decimal("4000000.5"), "selected": True})
    assert stored["rd_investment"] == "4000000.5"
    assert parse_event("pk_demo_project", DAY,
                       {"rd_investment": 1500, "selected": False})["rd_investment"] == "1500"
    with pytest.raises(ValidationError) as info:
        parse_event("pk_demo_project", DAY, {"rd_investment": "1.001", "selected": True})
    assert "rd_investment" in info.value.message_dict


def test_an_unsupported_standard_level_is_kept_for_the_engine_to_judge() -> None:
    assert parse_event("standard_led", DAY, {"level": "industry"}) == {"level": "industry"}


def test_a_standard_keeps_its_revision_only_when_given() -> None:
    """Contract Revision 2 (R5): `revision` is optional; an old payload stays as it is."""
    assert parse_event("standard_led", DAY, {"level": "local"}) == {"level": "local"}
    assert parse_event("standard_led", DAY, {"level": "local", "revision": None}) == {
        "level": "local"}
    assert parse_event("standard_led", DAY, {"level": "local", "revision": True}) == {
        "level": "local", "revision": True}
    with pytest.raises(ValidationError) as info:
        parse_event("standard_led", DAY, {"level": "local", "revision": "yes"})
    assert "revision" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        parse_event("ipo_stage", DAY, {"stage": "listed", "revision": True})
    assert "payload" in info.value.message_dict  # only standards have a revision


@pytest.mark.django_db
def test_model_clean_runs_the_engine_and_to_engine_parses() -> None:
    org = organisation()
    for event_type, payload in SAMPLE_PAYLOADS.items():
        event = RegistryEvent(organisation=org, type=event_type, date=dt.date(2020, 1, 2),
                              payload=dict(payload), matter="m-1")
        event.full_clean()
        request = {"applicant": applicant_part(org), "events": [event.to_engine()]}
        parsed = parse_request(request)
        assert parsed.events[0].type == event_type and parsed.events[0].matter == "m-1"
    bad = RegistryEvent(organisation=org, type="ipo_stage", date=DAY, payload={"stage": "x"})
    with pytest.raises(ValidationError):
        bad.full_clean()
