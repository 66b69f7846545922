"""Indicators computed from the registry (registry.Organisation, YearlyFigure, RegistryEvent).

The registry app has no `indicators` module of its own, so the plan registers these; they
read the registry's records as they stand on the as-of date. What the registry cannot tell
(a research institution's level, which platforms are incubators) is reported instead: see
docs/plan.md, "Computed or reported".

"In scope" is 《若干政策》一: registered and taxed in Changsha, in the cybersecurity business.
An organisation counts from the day it entered the registry (the registry keeps no founding
date), so a past as-of date does not count organisations registered later.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from policyhub.plan.data import parameter, plan_data
from policyhub.plan.indicators import Measure, SourceRef, indicator, listed
from policyhub.registry.models import Organisation, Person, RegistryEvent, YearlyFigure

YUAN_PER_YI = Decimal(100_000_000)  # 1 亿元; a unit conversion, not a number of the text
IN_SCOPE = Q(registered_in_changsha=True, taxed_in_changsha=True, cybersecurity_business=True)


def org_url(pk: int) -> str:
    try:
        return reverse("registry:detail", args=[pk])
    except NoReverseMatch:  # the registry pages are not mounted (API-only deployment)
        return ""


def _ref(org: Organisation) -> SourceRef:
    return SourceRef(org.name, url=org_url(org.pk), model="registry.organisation", pk=org.pk)


def _end_of(day: dt.date) -> dt.datetime:
    """The first instant after `day` in the site's time zone. Comparing the timestamp itself
    keeps the index usable (created_at__date makes SQLite convert every row)."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))


def in_scope(kind: str, as_of: dt.date) -> QuerySet[Organisation]:
    return Organisation.objects.filter(IN_SCOPE, kind=kind, created_at__lt=_end_of(as_of))


def enterprises(as_of: dt.date) -> QuerySet[Organisation]:
    return in_scope(Organisation.Kind.ENTERPRISE, as_of)


def _count(orgs: QuerySet[Organisation], note: str = "") -> Measure:
    return Measure(Decimal(orgs.count()), listed(orgs.order_by("name", "pk"), _ref), note)


def latest_year(as_of: dt.date) -> int | None:
    """The latest fiscal year, not after the as-of year, with any in-scope figure."""
    years = YearlyFigure.objects.filter(organisation__in=enterprises(as_of),
                                        year__lte=as_of.year)
    found: int | None = years.order_by("-year").values_list("year", flat=True).first()
    return found


def figures(as_of: dt.date) -> tuple[int | None, QuerySet[YearlyFigure]]:
    year = latest_year(as_of)
    qs = YearlyFigure.objects.filter(organisation__in=enterprises(as_of), year=year)
    return year, qs.select_related("organisation")


@indicator("registry.enterprises", label="聚集网络安全上下游企业", unit="家")
def gathered(as_of: dt.date) -> Measure:
    return _count(enterprises(as_of), "在长沙注册纳税、从事网络安全业务的企业")


@indicator("registry.industry_scale", label="网络安全产业规模（主营业务收入合计）", unit="亿元")
def industry_scale(as_of: dt.date) -> Measure:
    year, rows = figures(as_of)
    if year is None:
        return Measure(Decimal(0), [], "登记中尚无年度主营业务收入")
    total = rows.aggregate(total=Sum("main_business_revenue"))["total"] or Decimal(0)
    sources = listed(rows.order_by("organisation__name"), lambda f: SourceRef(
        f"{f.organisation.name} {f.year}年 {f.main_business_revenue}元",
        url=org_url(f.organisation_id), model="registry.yearlyfigure", pk=f.pk))
    value = (total / YUAN_PER_YI).quantize(Decimal("0.01"))
    return Measure(value, sources, f"{year}年度在库企业主营业务收入合计")


def _over(threshold: str, as_of: dt.date) -> Measure:
    limit = parameter(threshold)
    year, rows = figures(as_of)
    over = rows.filter(main_business_revenue__gte=limit)
    note = f"{year}年度主营业务收入达到{limit / YUAN_PER_YI:g}亿元" if year else "尚无年度数据"
    # listed() iterates the queryset only when sources are wanted (a generator expression
    # would run the query at once).
    return Measure(Decimal(over.count()),
                   listed(over.order_by("organisation__name", "organisation_id"),
                          lambda f: _ref(f.organisation)), note)


@indicator("registry.revenue_over_1bn", label="主营业务收入过10亿元的企业", unit="家")
def revenue_over_1bn(as_of: dt.date) -> Measure:
    # Tiers nest: an enterprise over 50亿元 is also over 10亿元.
    return _over("revenue_over_1bn", as_of)


@indicator("registry.revenue_over_5bn", label="主营业务收入过50亿元的企业", unit="家")
def revenue_over_5bn(as_of: dt.date) -> Measure:
    return _over("revenue_over_5bn", as_of)


@indicator("registry.above_size", label="规模以上企业", unit="家")
def above_size(as_of: dt.date) -> Measure:
    return _count(enterprises(as_of).filter(above_designated_size=True))


@indicator("registry.high_tech_share", label="规模以上企业中高新技术企业占比", unit="%")
def high_tech_share(as_of: dt.date) -> Measure:
    above = enterprises(as_of).filter(above_designated_size=True)
    total = above.count()
    if total == 0:
        return Measure(Decimal(0), [], "尚无规模以上企业")
    high = above.filter(high_tech=True).order_by("name")
    count = high.count()
    share = (Decimal(count) * 100 / total).quantize(Decimal("0.01"))
    note = f"{count}/{total}家规模以上企业为高新技术企业"
    return Measure(share, listed(high, _ref), note)


def since_plan_start(events: QuerySet[RegistryEvent], as_of: dt.date) -> QuerySet[RegistryEvent]:
    """Events from the plan's start to as_of: 力争…上市 and 引进和培育 count what the plan
    brought about, not a listing or recognition before 2019-07-30."""
    return events.filter(date__gte=plan_data().start, date__lte=as_of)


@indicator("registry.listings", label="科创板等资本市场上市企业", unit="家")
def listings(as_of: dt.date) -> Measure:
    events = since_plan_start(RegistryEvent.objects.filter(
        type="ipo_stage", payload__stage="listed", organisation__isnull=False), as_of)
    ids = events.values_list("organisation_id", flat=True)
    return _count(Organisation.objects.filter(pk__in=ids), "计划实施以来的上市阶段事件（发行上市）")


@indicator("registry.talents", label="引进和培育高端人才", unit="名")
def talents(as_of: dt.date) -> Measure:
    # 高端人才: people with a talent recognition (国际顶尖/国家级/省市级产业领军人才) of
    # 政策/二/(五); the 紧缺急需 categories are not counted. A person counts once.
    events = since_plan_start(RegistryEvent.objects.filter(
        type="talent_recognition", person__isnull=False), as_of).select_related("person")
    count = events.values("person_id").distinct().count()
    refs = listed(_first_mentions(events),
                  lambda p: SourceRef(p.name, model="registry.person", pk=p.pk))
    return Measure(Decimal(count), refs, "计划实施以来的人才认定事件（按人计）")


def _first_mentions(events: QuerySet[RegistryEvent]) -> Iterator[Person]:
    seen: set[int] = set()
    for e in events.order_by("date", "id"):
        if e.person is not None and e.person.pk not in seen:
            seen.add(e.person.pk)
            yield e.person


@indicator("registry.rd_institutions", label="研发机构（科研院所/研发机构类主体）", unit="家")
def rd_institutions(as_of: dt.date) -> Measure:
    return _count(in_scope(Organisation.Kind.INSTITUTE, as_of),
                  "登记为科研院所/研发机构的主体；级别（国家级/省级）由牵头单位报送")
