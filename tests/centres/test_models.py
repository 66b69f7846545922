"""Model rules: what each record refuses, in the words the department is shown."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from policyhub.centres.adaptation.models import Adaptation
from policyhub.centres.emergency.models import Incident
from policyhub.centres.events.models import CompetitionEdition, Entry
from policyhub.centres.migration.models import AppMigration, TerminalReplacement
from policyhub.centres.testing.models import EvaluationOrder
from policyhub.centres.training.models import TrainingSession
from tests.centres.helpers import DAY, adaptation, moment
from tests.personas import organisation, unit

pytestmark = pytest.mark.django_db


def test_a_passing_adaptation_needs_a_certificate() -> None:
    a = Adaptation(product="x", vendor="y", version="1", category="application",
                   cpu="D2000", os="kylin-v10-server", result="passed", tested_on=DAY)
    with pytest.raises(ValidationError) as exc:
        a.full_clean()
    assert "certificate" in exc.value.message_dict


def test_it_refuses_an_unknown_cpu() -> None:
    a = Adaptation(product="x", vendor="y", version="1", category="application",
                   cpu="i7-8700", os="kylin-v10-server", result="failed", tested_on=DAY)
    with pytest.raises(ValidationError) as exc:
        a.full_clean()
    assert "cpu" in exc.value.message_dict


def test_the_catalogue_holds_only_passing_adaptations() -> None:
    passed = adaptation("A")
    adaptation("B", result="failed")
    assert list(Adaptation.objects.catalogue()) == [passed]


def test_an_order_with_a_result_needs_a_completion_date() -> None:
    order = EvaluationOrder(number="T-1", client="c", product="p", product_type="security",
                            service="evaluation", standard="GB/T 18336", ordered_on=DAY,
                            result="passed")
    with pytest.raises(ValidationError) as exc:
        order.full_clean()
    assert "completed_on" in exc.value.message_dict


def test_a_session_cannot_certify_more_than_it_trained() -> None:
    s = TrainingSession(title="t", provider="p", topic="pk_deployment", start_on=DAY,
                        end_on=DAY, person_times=10, deployers_certified=11)
    with pytest.raises(ValidationError) as exc:
        s.full_clean()
    assert "deployers_certified" in exc.value.message_dict


def test_an_incident_cannot_be_responded_to_before_it_was_reported() -> None:
    i = Incident(number="E-1", title="t", category="malware", level="IV",
                 reported_at=moment("2020-06-01 10:00"),
                 responded_at=moment("2020-06-01 09:00"))
    with pytest.raises(ValidationError) as exc:
        i.full_clean()
    assert "responded_at" in exc.value.message_dict


def test_a_closed_incident_needs_a_response_time() -> None:
    i = Incident(number="E-1", title="t", category="malware", level="IV",
                 reported_at=moment("2020-06-01 10:00"), closed_at=moment("2020-06-02 10:00"))
    with pytest.raises(ValidationError):
        i.full_clean()


def test_replaced_terminals_cannot_exceed_the_total() -> None:
    r = TerminalReplacement(unit=unit("miit"), as_of=DAY, terminals=10, replaced=11)
    with pytest.raises(ValidationError) as exc:
        r.full_clean()
    assert "replaced" in exc.value.message_dict
    assert TerminalReplacement(unit=unit("miit"), as_of=DAY, terminals=10,
                               replaced=8).share == 80


def test_migrated_apps_cannot_exceed_the_total() -> None:
    r = AppMigration(unit=unit("miit"), as_of=DAY, apps=4, migrated=5)
    with pytest.raises(ValidationError) as exc:
        r.full_clean()
    assert exc.value.message_dict == {"migrated": ["已迁移数不能多于应用系统数"]}
    done = AppMigration(unit=unit("miit"), as_of=DAY, apps=4, migrated=3)
    assert done.share == 75
    assert str(done).endswith(f"{DAY} 3/4")


def test_an_entry_is_an_organisation_or_a_team_not_both() -> None:
    from policyhub.registry.models import Team

    edition = CompetitionEdition.objects.create(number=1, year=2020,
                                                final_on=dt.date(2020, 10, 20))
    entry = Entry(edition=edition, code="GWC-1", name="n", organisation=organisation(),
                  team=Team.objects.create(name="t"))
    with pytest.raises(ValidationError):
        entry.full_clean()


def test_a_competition_final_is_in_its_year() -> None:
    with pytest.raises(ValidationError) as exc:
        CompetitionEdition(number=1, year=2020, final_on=dt.date(2021, 1, 5)).full_clean()
    assert "final_on" in exc.value.message_dict


def test_time_to_respond_and_to_close_run_from_the_report() -> None:
    i = Incident(number="E-1", title="t", category="attack", level="II",
                 occurred_at=moment("2020-06-01 07:00"), reported_at=moment("2020-06-01 08:00"),
                 responded_at=moment("2020-06-01 08:25"), closed_at=moment("2020-06-03 08:00"))
    assert i.time_to_respond == dt.timedelta(minutes=25)
    assert i.time_to_close == dt.timedelta(days=2)
    open_incident = Incident(number="E-2", title="t", category="attack", level="IV",
                             reported_at=moment("2020-06-01 08:00"))
    assert open_incident.time_to_respond is None and open_incident.time_to_close is None


def test_the_timeline_merges_moments_and_notifications_in_order() -> None:
    i = Incident.objects.create(number="E-1", title="t", category="data", level="III",
                                reported_at=moment("2020-06-01 08:00"),
                                responded_at=moment("2020-06-01 09:00"))
    i.notifications.create(unit=unit("police"), notified_at=moment("2020-06-01 08:30"),
                           acknowledged_at=moment("2020-06-01 09:30"))
    assert [what for _, what in i.timeline()] == ["事件接报", "通报市公安局", "事件响应处置",
                                                   "市公安局确认收到"]
