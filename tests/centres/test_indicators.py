"""Each indicator on hand-made records, as of a day; and each is registered with the monitor."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from policyhub.centres.adaptation import indicators as adaptation
from policyhub.centres.adaptation.models import DemoNetwork
from policyhub.centres.events import indicators as events
from policyhub.centres.events.models import CompetitionEdition, SummitEdition
from policyhub.centres.migration import indicators as migration
from policyhub.centres.migration.models import AppMigration, TerminalReplacement
from policyhub.centres.testing import indicators as testing
from policyhub.centres.testing.models import EvaluationOrder
from policyhub.centres.training import indicators as training
from policyhub.centres.training.models import TrainingSession
from policyhub.plan import indicators as plan
from tests.centres.helpers import adaptation as make_adaptation
from tests.personas import unit

pytestmark = pytest.mark.django_db
D1, D2, D3 = dt.date(2020, 3, 1), dt.date(2020, 9, 1), dt.date(2021, 6, 1)

CODES = ("adaptation.pk_adaptations", "adaptation.software_packages",
         "adaptation.demo_machines", "testing.evaluations", "training.sessions",
         "training.deployers", "training.person_times", "migration.terminals_share",
         "migration.apps_share", "events.summits", "events.competitions")


def test_every_indicator_is_registered_with_the_monitor() -> None:
    known = plan.registered()
    assert set(CODES) <= set(known)
    assert known["training.person_times"].unit == "人次"


def test_pk_adaptations_count_passes_up_to_the_day() -> None:
    make_adaptation("A", tested_on=D1)
    make_adaptation("A", version="4.0", tested_on=D2)
    make_adaptation("B", result="failed", tested_on=D1)
    assert adaptation.pk_adaptations(D1).value == 1
    measure = adaptation.pk_adaptations(D3)
    assert measure.value == 2 and len(measure.sources) == 2
    assert measure.sources[0].model == "centres_adaptation.adaptation"


def test_software_packages_are_distinct_software_products() -> None:
    make_adaptation("A", tested_on=D1)
    make_adaptation("A", version="4.0", cpu="D2000", tested_on=D2)  # same product again
    make_adaptation("B", category="application", tested_on=D2)
    make_adaptation("整机", category="computer", tested_on=D1)  # hardware does not count
    make_adaptation("C", category="application", result="failed", tested_on=D1)
    assert adaptation.software_packages(D1).value == 1
    assert adaptation.software_packages(D3).value == 2


def test_demo_machines_take_the_latest_count() -> None:
    assert adaptation.demo_machines(D1).value == 0
    DemoNetwork.objects.create(recorded_on=D1, machines=60)
    DemoNetwork.objects.create(recorded_on=D2, machines=120)
    assert adaptation.demo_machines(D1).value == 60
    assert adaptation.demo_machines(D3).value == 120


def test_evaluations_count_completed_orders() -> None:
    common = {"client": "c", "product": "p", "product_type": "security",
              "service": "evaluation", "standard": "GB/T 22239-2019", "ordered_on": D1}
    EvaluationOrder.objects.create(number="1", completed_on=D2, result="passed", **common)
    EvaluationOrder.objects.create(number="2", completed_on=D3, result="failed", **common)
    EvaluationOrder.objects.create(number="3", **common)  # still pending
    assert testing.evaluations(D2).value == 1
    assert testing.evaluations(D3).value == 2


def test_training_indicators() -> None:
    def session(end: dt.date, times: int, certified: int, centre: bool) -> None:
        TrainingSession.objects.create(title="t", provider="p", topic="pk_deployment",
                                       start_on=end, end_on=end, person_times=times,
                                       deployers_certified=certified,
                                       at_adaptation_centre=centre)

    session(D1, 50, 30, True)
    session(D2, 200, 0, False)
    session(D3, 40, 35, True)
    assert training.sessions(D2).value == 1
    assert training.deployers(D3).value == 65
    assert training.person_times(D2).value == 250
    assert training.person_times(D3).value == 290


def test_shares_sum_each_units_latest_report() -> None:
    miit, data = unit("miit"), unit("data")
    TerminalReplacement.objects.create(unit=miit, as_of=D1, terminals=100, replaced=10)
    TerminalReplacement.objects.create(unit=miit, as_of=D2, terminals=100, replaced=90)
    TerminalReplacement.objects.create(unit=data, as_of=D1, terminals=300, replaced=210)
    assert migration.terminals_share(D1).value == Decimal("55.00")  # 220 / 400
    assert migration.terminals_share(D3).value == Decimal("75.00")  # 300 / 400
    AppMigration.objects.create(unit=miit, as_of=D2, apps=3, migrated=1)
    assert migration.apps_share(D1).value == 0
    assert migration.apps_share(D3).value == Decimal("33.33")


def test_summit_and_competition_editions() -> None:
    SummitEdition.objects.create(number=1, title="峰会", held_on=dt.date(2019, 9, 1))
    SummitEdition.objects.create(number=2, title="峰会", held_on=dt.date(2020, 9, 1))
    CompetitionEdition.objects.create(number=1, year=2020, final_on=dt.date(2020, 10, 20))
    assert events.summits(dt.date(2019, 12, 31)).value == 1
    measure = events.summits(D3)
    assert measure.value == 2 and "2019、2020" in measure.note
    assert events.competitions(D1).value == 0 and events.competitions(D3).value == 1
