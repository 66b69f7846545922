"""Each registry indicator on hand-made records."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from policyhub.plan import registry_indicators as ri
from policyhub.registry.models import Organisation, Person, RegistryEvent, YearlyFigure
from tests.personas import organisation

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()
YI = Decimal(100_000_000)


def figure(org: Organisation, year: int, yi: str) -> YearlyFigure:
    return YearlyFigure.objects.create(organisation=org, year=year,
                                       main_business_revenue=Decimal(yi) * YI)


def test_it_counts_in_scope_enterprises_only() -> None:
    organisation("甲")
    organisation("乙")
    organisation("不在长沙纳税", taxed_in_changsha=False)
    organisation("非网络安全", cybersecurity_business=False)
    organisation("研究院", kind=Organisation.Kind.INSTITUTE)
    m = ri.gathered(TODAY)
    assert m.value == 2
    assert {s.label for s in m.sources} == {"甲", "乙"}


def test_it_does_not_count_organisations_registered_after_the_date() -> None:
    organisation("甲")
    assert ri.gathered(TODAY - dt.timedelta(days=1)).value == 0


def test_industry_scale_sums_the_latest_year_in_yi_yuan() -> None:
    a, b = organisation("甲"), organisation("乙")
    figure(a, TODAY.year - 2, "999")
    figure(a, TODAY.year - 1, "12.5")
    figure(b, TODAY.year - 1, "0.25")
    figure(organisation("外地", registered_in_changsha=False), TODAY.year - 1, "100")
    m = ri.industry_scale(TODAY)
    assert m.value == Decimal("12.75")
    assert len(m.sources) == 2
    assert str(TODAY.year - 1) in m.note


def test_industry_scale_is_zero_without_figures() -> None:
    assert ri.industry_scale(TODAY).value == 0


def test_revenue_tiers_count_at_the_threshold_and_nest() -> None:
    year = TODAY.year - 1
    figure(organisation("五十亿"), year, "50")
    figure(organisation("十亿"), year, "10")
    figure(organisation("差一分"), year, "9.9999999999")
    assert ri.revenue_over_5bn(TODAY).value == 1
    assert ri.revenue_over_1bn(TODAY).value == 2


def test_above_size_and_high_tech_share() -> None:
    organisation("规上高新", above_designated_size=True, high_tech=True)
    organisation("规上", above_designated_size=True)
    organisation("规上高新2", above_designated_size=True, high_tech=True)
    organisation("规下高新", high_tech=True)
    assert ri.above_size(TODAY).value == 3
    share = ri.high_tech_share(TODAY)
    assert share.value == Decimal("66.67")
    assert len(share.sources) == 2


def test_high_tech_share_without_above_size_enterprises_is_zero() -> None:
    organisation("规下高新", high_tech=True)
    assert ri.high_tech_share(TODAY).value == 0


def test_listings_count_organisations_listed_by_the_date() -> None:
    listed, filed = organisation("已上市"), organisation("辅导备案")
    day = TODAY - dt.timedelta(days=10)
    for stage in ("tutoring_filed", "application_accepted", "listed"):
        RegistryEvent.objects.create(organisation=listed, type="ipo_stage", date=day,
                                     payload={"stage": stage})
    RegistryEvent.objects.create(organisation=listed, type="ipo_stage", date=day,
                                 payload={"stage": "listed"})  # recorded twice: one firm
    RegistryEvent.objects.create(organisation=filed, type="ipo_stage", date=day,
                                 payload={"stage": "tutoring_filed"})
    assert ri.listings(TODAY).value == 1
    assert ri.listings(day - dt.timedelta(days=1)).value == 0


def test_talents_count_recognised_people_once() -> None:
    a, b = Person.objects.create(name="张"), Person.objects.create(name="李")
    day = TODAY - dt.timedelta(days=5)
    for p in (a, a, b):
        RegistryEvent.objects.create(person=p, type="talent_recognition", date=day,
                                     payload={"level": "national_leader",
                                              "housing_price_per_m2": "10000"})
    RegistryEvent.objects.create(person=Person.objects.create(name="王"), type="urgent_talent",
                                 date=day, payload={"category": "A"})
    assert ri.talents(TODAY).value == 2
    assert ri.talents(day - dt.timedelta(days=1)).value == 0


PLAN_START = dt.date(2019, 7, 30)  # 通知 dated 2019年7月30日


def test_listings_count_from_the_plan_start_not_before() -> None:
    before, on_start = organisation("计划前上市"), organisation("计划首日上市")
    for org, day in ((before, PLAN_START - dt.timedelta(days=1)), (on_start, PLAN_START)):
        RegistryEvent.objects.create(organisation=org, type="ipo_stage", date=day,
                                     payload={"stage": "listed"})
    measure = ri.listings(TODAY)
    assert measure.value == 1
    assert [s.label for s in measure.sources] == ["计划首日上市"]


def test_talents_count_from_the_plan_start_not_before() -> None:
    for name, day in (("计划前", PLAN_START - dt.timedelta(days=1)), ("计划首日", PLAN_START)):
        RegistryEvent.objects.create(person=Person.objects.create(name=name),
                                     type="talent_recognition", date=day,
                                     payload={"level": "national_leader",
                                              "housing_price_per_m2": "10000"})
    measure = ri.talents(TODAY)
    assert measure.value == 1
    assert [s.label for s in measure.sources] == ["计划首日"]


def test_rd_institutions_count_in_scope_institutes() -> None:
    organisation("研究院", kind=Organisation.Kind.INSTITUTE)
    organisation("实验室", kind=Organisation.Kind.INSTITUTE, cybersecurity_business=False)
    organisation("企业")
    assert ri.rd_institutions(TODAY).value == 1


def test_without_sources_gives_the_same_values_and_lists_nothing() -> None:
    from policyhub.plan.indicators import without_sources

    a, b = organisation("甲网络安全公司"), organisation("乙网络安全公司")
    figure(a, TODAY.year - 1, "12")
    figure(b, TODAY.year - 1, "0.5")
    for p in (Person.objects.create(name="张"), Person.objects.create(name="李")):
        RegistryEvent.objects.create(person=p, type="talent_recognition", date=TODAY,
                                     payload={"level": "national_leader",
                                              "housing_price_per_m2": "10000"})
    functions = (ri.gathered, ri.industry_scale, ri.revenue_over_1bn, ri.talents)
    full = [f(TODAY) for f in functions]
    with without_sources():
        bare = [f(TODAY) for f in functions]
    assert [m.value for m in bare] == [m.value for m in full] == [2, Decimal("12.50"), 1, 2]
    assert all(m.sources == [] for m in bare)
    assert all(m.sources for m in full)
