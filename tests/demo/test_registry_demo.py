"""load_demo: realistic, deterministic, every event type, nothing the engine would refuse."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest

from policyhub.demo.registry import load_demo
from policyhub.engine import evaluate
from policyhub.engine.creditcode import is_valid
from policyhub.registry.facts import request_for
from policyhub.registry.models import (
    REGISTRY_EVENT_TYPES,
    Organisation,
    Person,
    RegistryEvent,
    Team,
    YearlyFigure,
)
from policyhub.registry.validation import parse_event

pytestmark = pytest.mark.django_db


def test_it_loads_three_hundred_organisations_quickly_with_every_event_type() -> None:
    started = time.perf_counter()
    loaded = load_demo(seed=2019, n=300)
    assert time.perf_counter() - started < 20
    assert Organisation.objects.count() == loaded.organisations == 300
    assert YearlyFigure.objects.count() == loaded.figures == 1500
    assert Person.objects.count() == loaded.people == 200
    assert Team.objects.count() == loaded.teams > 0
    assert set(loaded.events) == set(REGISTRY_EVENT_TYPES)
    assert RegistryEvent.objects.count() == sum(loaded.events.values())
    kinds = set(Organisation.objects.values_list("kind", flat=True))
    assert kinds == set(Organisation.Kind.values)
    assert all(is_valid(c) for c in Organisation.objects.values_list("credit_code", flat=True))
    assert Organisation.objects.values("park").distinct().count() >= 9
    assert all(name.startswith("长沙") for name in
               Organisation.objects.values_list("name", flat=True))


def test_some_revenues_cross_each_threshold() -> None:
    load_demo(seed=2019, n=300)
    final = YearlyFigure.objects.filter(year=2021)
    for threshold in (10_000_000, 50_000_000, 100_000_000, 1_000_000_000):
        assert final.filter(main_business_revenue__gte=threshold).exists(), threshold
    assert final.filter(main_business_revenue__lt=10_000_000).count() > 50


def test_every_demo_event_passes_the_engine_and_decisions_are_made() -> None:
    load_demo(seed=7, n=120)
    for e in RegistryEvent.objects.all():
        assert parse_event(e.type, e.date, e.payload, e.matter) == e.payload, e.pk
    totals = [evaluate(request_for(o, as_of=dt.date(2022, 6, 30)))["total"]
              for o in Organisation.objects.all()[:60]]
    assert any(t != "0.00" for t in totals)


def test_it_is_deterministic_for_a_seed() -> None:
    def snapshot() -> list[tuple[Any, ...]]:
        return list(Organisation.objects.order_by("credit_code", "figures__year").values_list(
            "credit_code", "name", "district", "park__code", "figures__year",
            "figures__main_business_revenue"))[:200]

    load_demo(seed=11, n=40)
    first = snapshot()
    events = sorted((e.type, e.date, str(e.payload)) for e in RegistryEvent.objects.all())
    Organisation.objects.all().delete()
    Person.objects.all().delete()
    Team.objects.all().delete()
    load_demo(seed=11, n=40)
    assert snapshot() == first
    assert sorted((e.type, e.date, str(e.payload)) for e in RegistryEvent.objects.all()) == \
        events
