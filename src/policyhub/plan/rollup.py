"""The registry summed for the plan's figures (docs/dashboard.md, "Cost").

The industry scale, the revenue tiers, the enterprise counts and the dashboard's charts and
area tables need, per date, each in-scope enterprise's latest closed fiscal year: read from
the registry that is every yearly figure (150,000 at the demo ×100, a second of SQLite). The
rollups hold the same figures summed per group — FigureRollup per (year, next reported year,
entry day, revenue tier, district, park), OrganisationRollup per (kind, entry day, flags,
district, park) — a few hundred rows whatever the number of records, from which
registry_indicators computes every date exactly as from the registry itself.

They are derived data with no lifetime: triggers on the registry's tables (migration 0004)
mark them dirty in the transaction that writes, whoever writes; `fresh()` rebuilds them from
the registry before any read when they are dirty (or missing, or built with other tier
limits), so a figure is never read stale. Saves and deletes through Django also rebuild them
when their transaction commits (`rebuild_after_commit`), so the next page does not pay it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Case, Count, F, IntegerField, Q, Sum, Value, When, Window
from django.db.models.functions import Lead, TruncDate
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from policyhub.plan.data import parameter
from policyhub.plan.models import FigureRollup, OrganisationRollup, RollupState
from policyhub.registry.models import Organisation, YearlyFigure

TIERS = ("revenue_over_1bn", "revenue_over_5bn")
IN_SCOPE = Q(registered_in_changsha=True, taxed_in_changsha=True, cybersecurity_business=True)
FEN = 100


def tier_limits() -> list[Decimal]:
    return [parameter(t) for t in TIERS]


def _tiers_key() -> str:
    return ",".join(str(limit) for limit in tier_limits())


# Inside checked_once() (a page being built), freshness is checked once, not per figure.
_CHECKED: ContextVar[bool] = ContextVar("plan_rollup_checked", default=False)
# … and OrganisationRollup (a few hundred rows) is read once: the dashboard's seven counts
# (four indicators, the chart's enterprises per year, the area tables) are summed from it.
OrgRow = tuple[str, dt.date, bool, bool, str, int | None, int]
FLAG_COLUMNS = {"above_designated_size": 2, "high_tech": 3}  # their places in OrgRow
_ORG_ROWS: ContextVar[list[list[OrgRow]] | None] = ContextVar("plan_rollup_org_rows",
                                                               default=None)


def fresh() -> None:
    """Rebuild the rollups first if the registry changed since they were built."""
    if _CHECKED.get():
        return
    state = RollupState.objects.filter(pk=1).values_list("dirty", "tiers").first()
    if state is None or state[0] or state[1] != _tiers_key():
        refresh()


@contextmanager
def checked_once() -> Iterator[None]:
    """Within the block the rollups are read as fresh() left them on entering it: for one
    page that reads the registry and does not write it."""
    fresh()
    token = _CHECKED.set(True)
    rows = _ORG_ROWS.set([])
    try:
        yield
    finally:
        _ORG_ROWS.reset(rows)
        _CHECKED.reset(token)


def refresh() -> None:
    """Rebuild both rollups from the registry in one transaction. The state row is locked
    first: a registry write committing meanwhile waits for it, then marks the rollups dirty
    again (its rows were not in what was read), and two rebuilds never interleave."""
    with transaction.atomic():
        state, _ = RollupState.objects.select_for_update().get_or_create(pk=1)
        with connection.cursor() as cursor:  # one statement each, whatever the rows
            for model in (FigureRollup, OrganisationRollup):
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
        FigureRollup.objects.bulk_create(_figure_rows(), batch_size=500)
        OrganisationRollup.objects.bulk_create(_organisation_rows(), batch_size=500)
        state.dirty, state.tiers, state.refreshed_at = False, _tiers_key(), timezone.now()
        state.save()


def _figure_rows() -> list[FigureRollup]:
    """Every in-scope enterprise's figures with the next year it reported (LEAD over all its
    years: a figure counts for closed year c when year ≤ c < next year), grouped in the
    database. Revenue summed in whole fen, so that SQLite's floating sum stays exact."""
    limits = tier_limits()
    tier = Case(*(When(main_business_revenue__gte=limit, then=Value(n))
                  for n, limit in reversed(list(enumerate(limits, start=1)))),
                default=Value(0), output_field=IntegerField())
    enterprises = Organisation.objects.filter(IN_SCOPE, kind=Organisation.Kind.ENTERPRISE)
    rows = (YearlyFigure.objects.filter(organisation__in=enterprises)
            .annotate(next_year=Window(Lead("year"), partition_by=[F("organisation_id")],
                                       order_by=F("year").asc()),
                      entered_on=TruncDate("organisation__created_at"), tier=tier,
                      district=F("organisation__district"), park_pk=F("organisation__park_id"))
            .values("year", "next_year", "entered_on", "tier", "district", "park_pk",
                    "main_business_revenue"))
    sql, params = rows.query.sql_with_params()
    grouped = ("SELECT year, next_year, entered_on, tier, district, park_pk, "
               f"SUM(ROUND(main_business_revenue * {FEN})), COUNT(*) FROM ({sql}) figures "
               "GROUP BY year, next_year, entered_on, tier, district, park_pk")
    with connection.cursor() as cursor:
        cursor.execute(grouped, params)
        found = cursor.fetchall()
    date_field = FigureRollup._meta.get_field("entered_on")
    return [FigureRollup(year=year, next_year=next_year,
                         entered_on=date_field.to_python(entered_on), tier=tier_n,
                         district=district or "", park_pk=park_pk,
                         revenue=Decimal(int(Decimal(str(fen or 0)))) / FEN, figures=n)
            for year, next_year, entered_on, tier_n, district, park_pk, fen, n in found]


def _organisation_rows() -> list[OrganisationRollup]:
    rows = (Organisation.objects.filter(IN_SCOPE).order_by()
            .values("kind", "above_designated_size", "high_tech", "district", "park_id",
                    entered_on=TruncDate("created_at"))
            .annotate(n=Count("pk")))
    return [OrganisationRollup(kind=r["kind"], entered_on=r["entered_on"],
                               above_designated_size=r["above_designated_size"],
                               high_tech=r["high_tech"], district=r["district"] or "",
                               park_pk=r["park_id"], organisations=r["n"]) for r in rows]


def _shared_rows() -> list[OrgRow] | None:
    """OrganisationRollup's rows (kind, entered_on, above_designated_size, high_tech,
    district, park_pk, organisations), read once per checked_once() block; None outside."""
    holder = _ORG_ROWS.get()
    if holder is None:
        return None
    if not holder:
        holder.append(list(OrganisationRollup.objects.values_list(
            "kind", "entered_on", "above_designated_size", "high_tech", "district", "park_pk",
            "organisations")))
    return holder[0]


def organisations(kind: str, as_of: dt.date, **flags: bool) -> int:
    """In-scope organisations of `kind` in the registry on `as_of` (with `flags`:
    above_designated_size, high_tech)."""
    fresh()
    rows = _shared_rows()
    if rows is not None:
        wanted = [(FLAG_COLUMNS[name], value) for name, value in flags.items()]
        return sum(row[-1] for row in rows if row[0] == kind and row[1] <= as_of
                   and all(row[i] == value for i, value in wanted))
    found = (OrganisationRollup.objects.filter(kind=kind, entered_on__lte=as_of, **flags)
             .aggregate(n=Sum("organisations"))["n"])
    return int(found or 0)


def enterprises_at(days: list[dt.date]) -> dict[dt.date, int]:
    """In-scope enterprises in the registry on each of `days`, in one query."""
    fresh()
    rows = _shared_rows()
    if rows is not None:
        kind = Organisation.Kind.ENTERPRISE
        return {d: sum(n for k, day, *_, n in rows if k == kind and day <= d) for d in days}
    found = OrganisationRollup.objects.filter(kind=Organisation.Kind.ENTERPRISE).aggregate(**{
        f"d{i}": Sum("organisations", filter=Q(entered_on__lte=d)) for i, d in enumerate(days)})
    return {d: int(found[f"d{i}"] or 0) for i, d in enumerate(days)}


def enterprises_by_area(as_of: dt.date) -> list[dict[str, Any]]:
    """In-scope enterprises on `as_of` per (district, park primary key): rows with keys
    district, park_pk, n."""
    fresh()
    rows = _shared_rows()
    if rows is not None:
        areas: dict[tuple[str, int | None], int] = {}
        for k, day, _, _, district, park_pk, n in rows:
            if k == Organisation.Kind.ENTERPRISE and day <= as_of:
                areas[district, park_pk] = areas.get((district, park_pk), 0) + n
        return [{"district": d, "park_pk": p, "n": n} for (d, p), n in areas.items()]
    return list(OrganisationRollup.objects
                .filter(kind=Organisation.Kind.ENTERPRISE, entered_on__lte=as_of)
                .values("district", "park_pk").annotate(n=Sum("organisations"))
                .order_by())


def figure_groups(dates: tuple[dt.date, ...], last_year: int) -> list[tuple[Any, ...]]:
    """FigureRollup summed per (year, next year, index of the first of `dates` on which the
    enterprise was in the registry — len(dates) when on none —, tier, district, park pk):
    rows (year, next_year, first, tier, district, park_pk, revenue in yuan, figures)."""
    fresh()
    first = Case(*(When(entered_on__lte=d, then=Value(i)) for i, d in enumerate(dates)),
                 default=Value(len(dates)), output_field=IntegerField())
    rows = (FigureRollup.objects.filter(year__lte=last_year, entered_on__lte=dates[-1])
            .values("year", "next_year", "tier", "district", "park_pk", first=first)
            .annotate(revenue=Sum("revenue"), n=Sum("figures")).order_by())
    return [(r["year"], r["next_year"], r["first"], r["tier"], r["district"], r["park_pk"],
             r["revenue"], r["n"]) for r in rows]


# --- rebuilding after a write through Django --------------------------------------------------

def _rebuild() -> None:
    fresh()


def rebuild_after_commit(**_: Any) -> None:
    """A save or delete of an organisation or a figure inside a transaction: rebuild once it
    commits (once per transaction, whatever it wrote), so that the writer pays it, not the
    next reader. Outside a transaction (one save after another) and for bulk writes, which
    send no signal, the next read rebuilds; a failed rebuild leaves the rollups dirty."""
    if not connection.in_atomic_block:
        return
    if not any(entry[1] is _rebuild for entry in connection.run_on_commit):
        transaction.on_commit(_rebuild)


for _model in (Organisation, YearlyFigure):
    post_save.connect(rebuild_after_commit, sender=_model,
                      dispatch_uid=f"rollup-{_model.__name__}-save")
    post_delete.connect(rebuild_after_commit, sender=_model,
                        dispatch_uid=f"rollup-{_model.__name__}-delete")
