"""Models: checked credit codes, one applicant per event, one figure per year, evidence."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from policyhub.registry.models import (
    EvidenceFile,
    Organisation,
    Person,
    RegistryEvent,
    YearlyFigure,
    mask_id_number,
)
from tests.personas import credit_code, organisation
from tests.registry.helpers import DAY, SAMPLE_PAYLOADS, figure

pytestmark = pytest.mark.django_db


def test_a_credit_code_with_a_wrong_check_digit_is_refused_on_the_model() -> None:
    good = credit_code()
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    org = Organisation(credit_code=bad, name="长沙错码科技有限公司", kind="enterprise")
    with pytest.raises(ValidationError) as info:
        org.full_clean()
    assert "credit_code" in info.value.message_dict
    assert "GB 32100-2015" in info.value.message_dict["credit_code"][0]
    Organisation(credit_code=good, name="长沙对码科技有限公司", kind="enterprise").full_clean()


@pytest.mark.parametrize("code", ["91430100MA4L1234", "91430100MA4L12345I", ""])
def test_credit_codes_of_the_wrong_length_or_alphabet_are_refused(code: str) -> None:
    with pytest.raises(ValidationError):
        Organisation(credit_code=code, name="x", kind="enterprise").full_clean()


def test_an_event_has_exactly_one_applicant_in_the_database() -> None:
    org = organisation()
    person = Person.objects.create(name="王伟", organisation=org)
    payload = SAMPLE_PAYLOADS["standard_led"]
    for fields in ({}, {"organisation": org, "person": person}):
        with pytest.raises(IntegrityError), transaction.atomic():
            RegistryEvent.objects.create(type="standard_led", date=DAY, payload=payload,
                                         **fields)
    RegistryEvent.objects.create(type="standard_led", date=DAY, payload=payload, person=person)


def test_the_applicant_constraint_is_also_checked_by_full_clean() -> None:
    event = RegistryEvent(type="standard_led", date=DAY, payload={"level": "national"})
    with pytest.raises(ValidationError) as info:
        event.full_clean()
    assert "event_has_exactly_one_applicant" in str(info.value) or info.value.messages


def test_one_figure_per_organisation_and_year_with_money_not_negative() -> None:
    org = organisation()
    figure(org, 2020, "1000000.50")
    with pytest.raises(IntegrityError), transaction.atomic():
        figure(org, 2020, "5")
    negative = YearlyFigure(organisation=org, year=2021, main_business_revenue=Decimal("-1"))
    with pytest.raises(ValidationError) as info:
        negative.full_clean()
    assert "main_business_revenue" in info.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        negative.save()  # the database refuses it too


def test_evidence_belongs_to_exactly_one_record() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        EvidenceFile.objects.create(original_name="x.pdf", sha256="0" * 64, file="x.pdf")


def test_id_numbers_are_stored_masked() -> None:
    assert mask_id_number("430104199001011234") == "4301**********1234"
    assert mask_id_number("1234") == "****"


def test_an_organisation_is_in_scope_only_with_all_three_flags() -> None:
    org = organisation()
    assert org.in_scope
    org.taxed_in_changsha = False
    assert not org.in_scope
