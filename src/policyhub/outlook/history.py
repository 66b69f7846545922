"""The registry's and the ledger's history up to an as-of date, as plain data (Django side).

- base year: the last fiscal year closed by the as-of date (the as-of year itself on
  31 December, else the year before); every figure and event after its 31 December is
  ignored, so a backtest sees exactly what was known then;
- projected budget years: the fund's budget years (ledger/fund.yaml) after the base year;
- firms: every organisation's main business revenue per fiscal year up to the base year;
- templates: the events of the last WINDOW years up to the base year; a type's rate counts
  the years from the first year it appears in the registry (a department starts reporting a
  type at some point; the years before say nothing about its rate);
- the fund: its total (fund.yaml) and what is approved so far (committed + paid, releases
  already deducted), from the ledger's postings.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Min

from policyhub.ledger import reports
from policyhub.ledger.models import Account, JournalEntry, MoneySum, Posting
from policyhub.ledger.params import fund
from policyhub.outlook.decide import Applicant
from policyhub.outlook.prepare import Firm, History, Template
from policyhub.registry.models import Organisation, RegistryEvent, YearlyFigure

WINDOW = 3  # years of events the rates and contents are drawn from


def base_year(as_of: dt.date) -> int:
    return as_of.year if (as_of.month, as_of.day) == (12, 31) else as_of.year - 1


def fen(amount: Decimal) -> int:
    return int(amount * 100)


def load(as_of: dt.date, options: dict[str, str] | None = None) -> History:
    base = base_year(as_of)
    params = fund()
    years = tuple(y for y in params.budget_years if y > base)
    return History(base_year=base, years=years, budget=fen(params.total),
                   approved=fen(reports.by_year()[-1].approved), firms=_firms(base),
                   templates=_templates(base), options=dict(options or {}))


def _who(org: Organisation) -> Applicant:
    return Applicant(str(org.kind), org.registered_in_changsha, org.taxed_in_changsha,
                     org.cybersecurity_business)


def _firms(base: int) -> list[Firm]:
    revenue: dict[int, dict[int, int]] = defaultdict(dict)
    for org_id, year, amount in (YearlyFigure.objects.filter(year__lte=base)
                                 .values_list("organisation_id", "year",
                                              "main_business_revenue")):
        revenue[org_id][year] = fen(amount)
    orgs = Organisation.objects.filter(pk__in=list(revenue)).order_by("pk")
    return [Firm(_who(o), revenue[o.pk]) for o in orgs]


def _templates(base: int) -> list[Template]:
    end = dt.date(base, 12, 31)
    firsts = dict(RegistryEvent.objects.filter(date__lte=end).values_list("type")
                  .annotate(first=Min("date")).values_list("type", "first"))
    if not firsts:
        return []
    events = (RegistryEvent.objects.filter(date__lte=end, date__gt=dt.date(base - WINDOW, 12, 31))
              .select_related("organisation", "person", "team").order_by("date", "pk"))
    out = []
    for e in events:
        observed = base - max(firsts[e.type].year, base - WINDOW + 1) + 1
        out.append(Template(_applicant(e), e.to_engine(), 1.0 / observed))
    return out


def _applicant(e: RegistryEvent) -> Applicant:
    if e.organisation is not None:
        return _who(e.organisation)
    if e.person is not None:
        p = e.person
        return Applicant("person", p.works_in_changsha, p.based_in_changsha,
                         p.cybersecurity_field)
    team = e.team
    assert team is not None  # the model's check constraint: exactly one applicant
    return Applicant("team", team.based_in_changsha, team.based_in_changsha,
                     team.cybersecurity_field)


@dataclass(frozen=True)
class FundYear:
    """One budget year of the books: contributions by source, approved, released."""

    year: int
    city: Decimal
    zone: Decimal
    committed: Decimal
    paid: Decimal
    released: Decimal


def books() -> list[FundYear]:
    """Every budget year: what each source put in, committed, paid, and released."""
    sums: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    for year, kind, total in (Posting.objects.values_list("account__year", "account__kind")
                              .annotate(total=MoneySum("amount"))):
        sums[year, kind] = Decimal(total)
    released: dict[int, Decimal] = defaultdict(Decimal)
    for year, total in (Posting.objects.filter(entry__kind=JournalEntry.Kind.RELEASE,
                                               account__kind=Account.Kind.POOL)
                        .values_list("account__year").annotate(total=MoneySum("amount"))):
        released[year] = Decimal(total)
    kind = Account.Kind
    return [FundYear(y, -sums[y, kind.CITY], -sums[y, kind.ZONE], sums[y, kind.COMMITMENTS],
                     sums[y, kind.PAID], released[y]) for y in fund().budget_years]


def actual(years: tuple[int, ...]) -> tuple[list[Firm], list[tuple[Applicant, dict[str, object]]]]:
    """Every figure, and the events dated in `years`: what prepare.realised prices."""
    last = max(years, default=0)
    events = (RegistryEvent.objects.filter(date__year__in=list(years))
              .select_related("organisation", "person", "team").order_by("date", "pk"))
    return _firms(last), [(_applicant(e), e.to_engine()) for e in events]
