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
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from policyhub.plan import rollup
from policyhub.plan.data import parameter, plan_data
from policyhub.plan.indicators import Measure, SourceRef, indicator, listed, sources_wanted
from policyhub.registry.models import Organisation, Person, RegistryEvent, YearlyFigure
from policyhub.units.models import Unit

YUAN_PER_YI = Decimal(100_000_000)  # 1 亿元; a unit conversion, not a number of the text
IN_SCOPE = rollup.IN_SCOPE


def org_url(pk: int) -> str:
    try:
        return reverse("registry:detail", args=[pk])
    except NoReverseMatch:  # the registry pages are not mounted (API-only deployment)
        return ""


def _ref(org: Organisation) -> SourceRef:
    return SourceRef(org.name, url=org_url(org.pk), model="registry.organisation", pk=org.pk)


def end_of(day: dt.date) -> dt.datetime:
    """The first instant after `day` in the site's time zone. Comparing the timestamp itself
    keeps the index usable (created_at__date makes SQLite convert every row)."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))


def in_scope(kind: str, as_of: dt.date) -> QuerySet[Organisation]:
    return Organisation.objects.filter(IN_SCOPE, kind=kind, created_at__lt=end_of(as_of))


def enterprises(as_of: dt.date) -> QuerySet[Organisation]:
    return in_scope(Organisation.Kind.ENTERPRISE, as_of)


def _count(orgs: QuerySet[Organisation], note: str = "", n: int | None = None) -> Measure:
    """`n` organisations (counted from plan.rollup when given), `orgs` their source list."""
    found = orgs.count() if n is None else n
    return Measure(Decimal(found), listed(orgs.order_by("name", "pk"), _ref), note)


def closed_year(as_of: dt.date) -> int:
    """The latest fiscal year closed on `as_of`: a fiscal year closes on its 31 December."""
    return as_of.year if (as_of.month, as_of.day) == (12, 31) else as_of.year - 1


def latest_figures(as_of: dt.date) -> QuerySet[YearlyFigure]:
    """Each in-scope enterprise's figures of its latest closed fiscal year on `as_of`
    (docs/dashboard.md, "Which year counts"): an early upload of a year still running does
    not count, and a firm that has not yet reported the last closed year counts with its
    previous one — so one upload moves a city total by that firm's own figure at most."""
    last = closed_year(as_of)
    newest = (YearlyFigure.objects.filter(organisation=OuterRef("organisation"), year__lte=last)
              .order_by("-year").values("year")[:1])
    return YearlyFigure.objects.filter(organisation__in=enterprises(as_of), year__lte=last,
                                       year=Subquery(newest))


@dataclass(frozen=True)
class Scale:
    """The registry's figures as of one date: the sum of each in-scope enterprise's latest
    closed fiscal year, how many enterprises that sum covers, and how many of them are at or
    over each revenue tier."""

    revenue: Decimal  # yuan
    reporting: int
    over: dict[str, int]


TIERS = rollup.TIERS


Group = tuple[int, int | None, int, int, str | None, str | None, Any, int]
# While a page is built (dashboard.build), the dates it will ask about: the grouped query runs
# once for all of them instead of once per indicator and chart.
_SHARED: ContextVar[tuple[tuple[dt.date, ...], dict[str, Any]] | None] = ContextVar(
    "registry_scales_shared", default=None)


@contextmanager
def sharing(dates: Sequence[dt.date]) -> Iterator[None]:
    """Within the block, scales() and area_revenue() for any of `dates` share one query."""
    token = _SHARED.set((tuple(sorted(set(dates))), {}))
    try:
        with rollup.checked_once():
            yield
    finally:
        _SHARED.reset(token)


def _groups(dates: tuple[dt.date, ...]) -> list[Group]:
    """The figures of the enterprises in scope on the last of `dates`, up to its closed year,
    summed (from plan.rollup, which keeps them grouped and up to date) by year, next reported
    year, index of the first of `dates` on which the enterprise was in the registry, revenue
    tier, district and park name: a few hundred rows whatever the number of figures. A figure
    is its enterprise's latest closed year on date d when year ≤ closed_year(d) < next year."""
    found = rollup.figure_groups(dates, closed_year(dates[-1]))
    names = unit_names({g[5] for g in found if g[5] is not None})
    return [(year, next_year, first, tier, district or "", names.get(park_pk), revenue, n)
            for year, next_year, first, tier, district, park_pk, revenue, n in found]


def unit_names(pks: set[int]) -> dict[int, str]:
    """The names of the units (parks) `pks`; within sharing() each is read once per page
    (the figure groups and the dashboard's area tables name the same parks)."""
    shared = _SHARED.get()
    known: dict[int, str] = shared[1].setdefault("unit_names", {}) if shared is not None else {}
    missing = pks - known.keys()
    if missing:
        known.update(Unit.objects.filter(pk__in=missing).values_list("pk", "name"))
    return {pk: known[pk] for pk in pks if pk in known}


def _counted(dates: Sequence[dt.date]) -> tuple[tuple[dt.date, ...], list[Group]]:
    """The dates the groups were computed for (a shared set when `dates` is in it) and the
    groups."""
    wanted = tuple(sorted(set(dates)))
    shared = _SHARED.get()
    if shared is not None and set(wanted) <= set(shared[0]):
        found = shared[1].get("groups")
        if found is None:
            found = shared[1]["groups"] = _groups(shared[0])
        return shared[0], found
    return wanted, _groups(wanted)


def _latest_on(group: Group, i: int, d: dt.date) -> bool:
    year, next_year, first = group[0], group[1], group[2]
    last = closed_year(d)
    return first <= i and year <= last and (next_year is None or next_year > last)


def scales(dates: Sequence[dt.date]) -> dict[dt.date, Scale]:
    """`Scale` at each of `dates`, from one grouped query whatever the number of figures."""
    if not dates:
        return {}
    computed, groups = _counted(dates)
    out = {}
    for i, d in enumerate(computed):
        if d not in dates:
            continue
        total, n, over = Decimal(0), 0, dict.fromkeys(TIERS, 0)
        for g in groups:
            if _latest_on(g, i, d):
                total += Decimal(str(g[6] or 0))
                n += g[7]
                for k, name in enumerate(TIERS, start=1):
                    over[name] += g[7] if g[3] >= k else 0
        out[d] = Scale(total, n, over)
    return out


def figure_years(as_of: dt.date) -> list[int]:
    """The closed fiscal years (on `as_of`) for which an in-scope enterprise has figures."""
    _, groups = _counted([as_of])
    last = closed_year(as_of)
    return sorted({g[0] for g in groups if g[0] <= last})


def area_revenue(as_of: dt.date) -> dict[tuple[str | None, str | None], Decimal]:
    """Per (district, park name): the revenue summed in scales(as_of), in yuan."""
    computed, groups = _counted([as_of])
    i = computed.index(as_of)
    out: dict[tuple[str | None, str | None], Decimal] = {}
    for g in groups:
        if _latest_on(g, i, as_of):
            key = (g[4], g[5])
            out[key] = out.get(key, Decimal(0)) + Decimal(str(g[6] or 0))
    return out


@indicator("registry.enterprises", label="聚集网络安全上下游企业", unit="家")
def gathered(as_of: dt.date) -> Measure:
    return _count(enterprises(as_of), "在长沙注册纳税、从事网络安全业务的企业",
                  rollup.organisations(Organisation.Kind.ENTERPRISE, as_of))


@indicator("registry.industry_scale", label="网络安全产业规模（主营业务收入合计）", unit="亿元")
def industry_scale(as_of: dt.date) -> Measure:
    found = scales([as_of])[as_of]
    if found.reporting == 0:
        return Measure(Decimal(0), [], "登记中尚无已结束财年的主营业务收入")
    sources: list[SourceRef] = []
    if sources_wanted():
        rows = latest_figures(as_of).select_related("organisation")
        sources = listed(rows.order_by("organisation__name", "organisation_id"),
                         lambda f: SourceRef(
                             f"{f.organisation.name} {f.year}年 {f.main_business_revenue}元",
                             url=org_url(f.organisation_id), model="registry.yearlyfigure",
                             pk=f.pk))
    value = (found.revenue / YUAN_PER_YI).quantize(Decimal("0.01"))
    return Measure(value, sources, f"{found.reporting}家在库企业最近一个已结束财年"
                                   f"（至{closed_year(as_of)}年度）主营业务收入合计")


def _over(threshold: str, as_of: dt.date) -> Measure:
    limit = parameter(threshold)
    found = scales([as_of])[as_of]
    note = (f"最近一个已结束财年（至{closed_year(as_of)}年度）主营业务收入达到"
            f"{limit / YUAN_PER_YI:g}亿元")
    if not sources_wanted():  # the dashboard: not even the query built
        return Measure(Decimal(found.over[threshold]), [], note)
    over = latest_figures(as_of).filter(main_business_revenue__gte=limit)
    return Measure(Decimal(found.over[threshold]),
                   listed(over.select_related("organisation")
                          .order_by("organisation__name", "organisation_id"),
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
    return _count(enterprises(as_of).filter(above_designated_size=True), n=rollup.organisations(
        Organisation.Kind.ENTERPRISE, as_of, above_designated_size=True))


@indicator("registry.high_tech_share", label="规模以上企业中高新技术企业占比", unit="%")
def high_tech_share(as_of: dt.date) -> Measure:
    kind = Organisation.Kind.ENTERPRISE
    total = rollup.organisations(kind, as_of, above_designated_size=True)
    if total == 0:
        return Measure(Decimal(0), [], "尚无规模以上企业")
    high = enterprises(as_of).filter(above_designated_size=True, high_tech=True).order_by("name")
    count = rollup.organisations(kind, as_of, above_designated_size=True, high_tech=True)
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
    # Counted on the events (an event's organisation exists: deleting one deletes its events),
    # not by probing every organisation against them.
    return _count(Organisation.objects.filter(pk__in=ids), "计划实施以来的上市阶段事件（发行上市）",
                  events.values("organisation_id").distinct().count())


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
    kind = Organisation.Kind.INSTITUTE
    return _count(in_scope(kind, as_of),
                  "登记为科研院所/研发机构的主体；级别（国家级/省级）由牵头单位报送",
                  rollup.organisations(kind, as_of))
