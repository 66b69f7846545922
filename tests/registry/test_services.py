"""Services: every change audited, every refusal audited with its reason."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from policyhub.audit.models import AuditEntry
from policyhub.audit.services import verify
from policyhub.registry import services
from policyhub.registry.models import Organisation, RegistryEvent, YearlyFigure
from tests.personas import Personas, credit_code, personas, unit
from tests.registry.helpers import DAY, other_organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def p() -> Personas:
    return personas()


def last(action: str) -> AuditEntry:
    return AuditEntry.objects.filter(action=action).order_by("-seq").first()  # type: ignore[return-value]


def test_staff_create_and_applicants_update_their_own_organisation(p: Personas) -> None:
    org = services.create_organisation(
        p.bureau_officer, credit_code=credit_code(), name="长沙云御数据安全科技有限公司",
        kind=Organisation.Kind.ENTERPRISE, district="岳麓区", park=unit("hitech"))
    entry = last("registry.organisation.create")
    assert entry.object_id == str(org.pk) and entry.actor_label == "bureau_officer"
    services.update_organisation(p.applicant, p.org, name="长沙星盾网络安全股份有限公司")
    entry = last("registry.organisation.update")
    assert entry.payload == {"before": {"name": "长沙星盾网络安全有限公司"},
                             "after": {"name": "长沙星盾网络安全股份有限公司"}}
    services.update_organisation(p.bureau_officer, p.org, high_tech=True)
    assert last("registry.organisation.update").payload["after"] == {"high_tech": True}
    assert verify().ok


@pytest.mark.parametrize("field", ["taxed_in_changsha", "cybersecurity_business", "high_tech",
                                   "credit_code"])
def test_an_applicant_cannot_declare_its_own_scope_or_certified_status(
        p: Personas, field: str) -> None:
    value: object = credit_code() if field == "credit_code" else not getattr(p.org, field)
    with pytest.raises(services.Refused) as info:
        services.update_organisation(p.applicant, p.org, **{field: value})
    assert field in info.value.reason
    p.org.refresh_from_db()
    assert getattr(p.org, field) != value
    entry = last("registry.organisation.update")
    assert entry.allowed is False and entry.reason == info.value.reason


def test_a_bad_credit_code_is_refused_and_nothing_is_written(p: Personas) -> None:
    with pytest.raises(ValidationError):
        services.create_organisation(p.admin, credit_code="91430100MA4L12345X",
                                     name="x", kind="enterprise")
    assert not AuditEntry.objects.filter(action="registry.organisation.create").exists()


@pytest.mark.parametrize("who", ["applicant", "park_officer", "auditor", "outsider"])
def test_refusals_are_audited_with_the_reason(p: Personas, who: str) -> None:
    other = other_organisation()
    user = getattr(p, who)
    with pytest.raises(services.Refused) as info:
        services.record_figure(user, other, 2020, main_business_revenue=Decimal("1"))
    entry = last("registry.figure.record")
    assert entry.allowed is False and entry.reason == info.value.reason
    assert entry.actor_label == who and entry.object_id == str(other.pk)
    assert not YearlyFigure.objects.exists()


def test_park_officers_and_auditors_cannot_write_even_their_own_park(p: Personas) -> None:
    for user in (p.park_officer, p.auditor):
        with pytest.raises(services.Refused):
            services.record_event(user, p.org, "standard_led", DAY, {"level": "national"})
    assert not RegistryEvent.objects.exists()
    assert AuditEntry.objects.filter(action="registry.event.record", allowed=False).count() == 2


def test_record_figure_replaces_a_year_and_audits_what_it_replaced(p: Personas) -> None:
    services.record_figure(p.applicant, p.org, 2020, main_business_revenue=Decimal("100"))
    services.record_figure(p.applicant, p.org, 2020, main_business_revenue=Decimal("250.50"),
                           headcount=12, source=unit("miit"))
    figure = YearlyFigure.objects.get()
    assert figure.main_business_revenue == Decimal("250.50") and figure.headcount == 12
    assert figure.recorded_by == p.applicant
    entry = last("registry.figure.record")
    assert entry.payload["before"]["main_business_revenue"] == "100.00"
    assert entry.payload["after"]["main_business_revenue"] == "250.50"


def test_money_must_be_decimal(p: Personas) -> None:
    with pytest.raises(TypeError):
        services.record_figure(p.admin, p.org, 2020, main_business_revenue=1.5)  # type: ignore[arg-type]


def test_record_event_stores_the_engine_form_and_refuses_what_the_engine_refuses(
        p: Personas) -> None:
    event = services.record_event(p.applicant, p.org, "project_investment", DAY,
                                  {"total_investment": 60_000_000,
                                   "actual_investment": Decimal("30000000.50"),
                                   "kind": "new_build"}, matter="proj-1")
    event.refresh_from_db()
    assert event.payload == {"total_investment": "60000000",
                             "actual_investment": "30000000.50", "kind": "new_build"}
    assert last("registry.event.record").payload["matter"] == "proj-1"
    with pytest.raises(ValidationError) as info:
        services.record_event(p.applicant, p.org, "ipo_stage", DAY, {"stage": "ipo"})
    assert "stage" in info.value.message_dict
    assert RegistryEvent.objects.count() == 1


def test_people_and_teams_follow_their_organisation(p: Personas) -> None:
    person = services.create_person(p.applicant, name="李娜", id_number="430104199001011234",
                                    organisation=p.org)
    assert person.id_number_masked == "4301**********1234"
    team = services.create_team(p.applicant, name="星盾攻防团队", leader=person,
                                members=[person])
    assert list(team.members.all()) == [person]
    services.record_event(p.applicant, person, "urgent_talent", DAY, {"category": "A"})
    with pytest.raises(services.Refused):
        services.create_person(p.applicant, name="张三")  # no organisation: staff only
    with pytest.raises(services.Refused):
        services.record_event(p.applicant, services.create_person(None, name="赵六"),
                              "urgent_talent", DAY, {"category": "A"})


def test_attach_evidence_hashes_and_stores_under_media_evidence(
        p: Personas, settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    event = services.record_event(p.applicant, p.org, "standard_led", DAY,
                                  {"level": "national"})
    evidence = services.attach_evidence(p.applicant, event, ContentFile(b"%PDF-1.4 std",
                                                                        name="标准文本.pdf"))
    assert evidence.sha256 == hashlib.sha256(b"%PDF-1.4 std").hexdigest()
    stored = Path(evidence.file.path)
    assert stored.is_file() and stored.read_bytes() == b"%PDF-1.4 std"
    assert stored.relative_to(tmp_path).parts[0] == "evidence"
    assert evidence.original_name == "标准文本.pdf" and evidence.uploaded_by == p.applicant
    assert last("registry.evidence.attach").payload["sha256"] == evidence.sha256
    with pytest.raises(services.Refused):
        services.attach_evidence(p.auditor, event, ContentFile(b"x", name="x.pdf"))


def test_the_system_actor_is_allowed_and_audited_as_system() -> None:
    org = other_organisation()
    services.record_figure(None, org, 2019, main_business_revenue=Decimal("5"))
    assert last("registry.figure.record").actor_label == "system"
