"""The write phase of a registry import: short batches after every row is validated.

registry.io reads and validates the whole file with no transaction open and no lock held (a
file of thousands of rows takes seconds to check; nobody waits for that). Only then does
`write_figures` or `write_events` write it, BATCH rows per transaction; each batch

1. takes the audit chain's head lock first (audit.bulk.hold_lock), so it is serialised with
   every other audited change, including another import of the same file;
2. reads, under that lock, which of its yearly figures (or events) already exist, so two
   imports of the same new year's figures at once do not both insert them: the later batch
   finds the earlier one's rows and replaces them (as importing the two files one after the
   other would: a department's later file corrects an earlier one);
3. writes with bulk inserts and updates, and the audit entries (one per record, with what it
   replaced) with audit.bulk.record_many.

Between batches the lock is free, so a ledger payment or any audited action waits at most one
batch (milliseconds), not the whole file. A batch that meets a conflict (unique violation,
deadlock, serialisation failure) is retried ATTEMPTS times. When it still fails:
- if it was the first batch, nothing is imported: ImportFailed, as when a row is bad;
- otherwise the earlier batches stay (they are committed and audited) and
  imports.kinds.PartlyWritten says which rows landed; the import's summary audit entry says
  so too. Importing the same file again completes it: figures already there are replaced by
  the same values, events already there are not recorded twice (docs/registry.md).
When every batch lands, one last audit entry `registry.import` summarises the file.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone

from policyhub.audit.bulk import Item, Ref, hold_lock, record_many
from policyhub.fastinsert import insert_rows, update_rows
from policyhub.imports.kinds import BATCH as BATCH
from policyhub.imports.kinds import Outcome, PartlyWritten
from policyhub.registry.models import RegistryEvent, YearlyFigure
from policyhub.registry.reader import ImportFailed, refuse
from policyhub.registry.services import FIGURE_FIELDS, Actor, snapshot

ATTEMPTS = 3
T = TypeVar("T")
AuditItems = list[Item]


@dataclass
class Written:
    created: int = 0
    updated: int = 0
    unchanged: int = 0  # events already on the registry


def _retrying(write: Callable[[], T]) -> T:
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return write()
        except (IntegrityError, OperationalError):
            if attempt == ATTEMPTS:
                raise refuse("与同时进行的另一项修改冲突，未导入任何数据：请稍后重新导入") from None
    raise AssertionError("unreachable")


def _recorder(actor: Actor) -> int | None:
    return actor.pk if actor is not None and actor.is_authenticated else None


Report = Callable[[int, int], None]  # rows written so far, batches so far


def _no_report(rows: int, batches: int) -> None:
    pass


def write_figures(actor: Actor, rows: Sequence[Mapping[str, Any]], summary: dict[str, Any],
                  *, numbers: Sequence[int] = (), report: Report = _no_report) -> Written:
    """Create or replace one yearly figure per row (validated: organisation, year, amounts),
    BATCH rows per transaction; `numbers` are the rows' spreadsheet row numbers."""
    return _in_batches(actor, rows, summary, numbers, report,
                       lambda chunk: _figures_once(actor, chunk))


def _in_batches(actor: Actor, items: Sequence[T], summary: dict[str, Any],
                numbers: Sequence[int], report: Report,
                write_one: Callable[[Sequence[T]], Written]) -> Written:
    done = Written()
    numbers = list(numbers) or list(range(2, len(items) + 2))
    for landed, start in enumerate(range(0, len(items), BATCH)):
        chunk = items[start:start + BATCH]
        try:
            part = _retrying(functools.partial(write_one, chunk))
        except ImportFailed as exc:
            if not landed:
                raise  # nothing written: the file is refused as a whole
            reason = exc.errors[0].reason if exc.errors else str(exc)
            last_row = numbers[start - 1]
            _summary(actor, {**summary, **_counts(done), "partial": True,
                             "batches_written": landed, "last_row_written": last_row,
                             "reason": reason})
            raise PartlyWritten(Outcome(start, done.created, done.updated, done.unchanged),
                                landed, last_row, reason) from exc
        done.created += part.created
        done.updated += part.updated
        done.unchanged += part.unchanged
        report(start + len(chunk), landed + 1)
    _summary(actor, {**summary, **_counts(done)})
    return done


def _counts(done: Written) -> dict[str, int]:
    return {"created": done.created, "updated": done.updated, "unchanged": done.unchanged}


def _summary(actor: Actor, payload: dict[str, Any]) -> None:
    with transaction.atomic():
        record_many(actor, [("registry.import", None, payload)])


def _figures_once(actor: Actor, rows: Sequence[Mapping[str, Any]]) -> Written:
    """One batch: the rows' figures created or replaced, each audited with what it replaced.
    New figures are inserted from their values (fastinsert.insert_rows), never built as
    model instances: at 100,000 rows, building them cost as much as the rest of the write."""
    now, recorder = timezone.now(), _recorder(actor)
    with transaction.atomic():
        hold_lock()
        existing = _existing_figures(rows)
        new: list[tuple[Any, ...]] = []
        changed: list[YearlyFigure] = []
        befores: list[dict[str, Any] | None] = []
        for v in rows:
            figure = existing.get((v["organisation"].pk, v["year"]))
            if figure is None:
                befores.append(None)
                source = v.get("source")
                new.append((v["organisation"].pk, v["year"], *(v.get(name) for name in AMOUNTS),
                            source.pk if source is not None else None, recorder, now))
                continue
            befores.append(snapshot(figure, FIGURE_FIELDS))
            for name in FIGURE_FIELDS:
                setattr(figure, name, v.get(name))
            figure.recorded_by_id = recorder or figure.recorded_by_id
            changed.append(figure)
        ids = _insert_figures(new)
        # one prepared UPDATE for the batch (bulk_update's CASE over 500 rows is slower, and
        # one ORM update per figure made re-importing a file twice as slow as importing it)
        update_rows(YearlyFigure, CHANGED_FIGURE, [
            (*(getattr(f, name) for name in AMOUNTS), f.source_id, f.recorded_by_id, now, f.pk)
            for f in changed])
        items = AuditItems()
        for v, before in zip(rows, befores, strict=True):
            key = (v["organisation"].pk, v["year"])
            pk = existing[key].pk if key in existing else ids[key]
            items.append(("registry.figure.record", Ref(FIGURE_LABEL, str(pk)), {
                "organisation": key[0], "year": key[1], "before": before,
                "after": _after(v)}))
        done = Written(created=len(new), updated=len(changed))
        record_many(actor, items, batch=BATCH)
    return done


AMOUNTS = ("main_business_revenue", "tax_paid", "rd_spend", "headcount")
NEW_FIGURE = ("organisation_id", "year", *AMOUNTS, "source_id", "recorded_by_id", "updated_at")
CHANGED_FIGURE = (*AMOUNTS, "source_id", "recorded_by_id", "updated_at")
FIGURE_LABEL = YearlyFigure._meta.label_lower


def _after(v: Mapping[str, Any]) -> dict[str, Any]:
    """services.snapshot of the figure the row writes, from the row's values."""
    out: dict[str, Any] = {}
    for name in FIGURE_FIELDS:
        value = v.get(name)
        if name == "source":
            out[name] = value.pk if value is not None else None
        else:
            out[name] = str(value) if isinstance(value, Decimal) else value
    return out


def _insert_figures(new: list[tuple[Any, ...]]) -> dict[tuple[int, int], int]:
    """INSERT the new figures (values in NEW_FIGURE order) and read their ids back in one
    query (unique: one figure per organisation and year), for the audit entries that name
    them."""
    if not new:
        return {}
    insert_rows(YearlyFigure, NEW_FIGURE, new)
    wanted = {(row[0], row[1]) for row in new}
    found = YearlyFigure.objects.filter(
        organisation_id__in={k[0] for k in wanted}, year__in={k[1] for k in wanted},
    ).values_list("organisation_id", "year", "pk")
    return {(o, y): pk for o, y, pk in found if (o, y) in wanted}


def _existing_figures(rows: Iterable[Mapping[str, Any]]) -> dict[tuple[int, int], YearlyFigure]:
    keys = {(v["organisation"].pk, v["year"]) for v in rows}
    found = YearlyFigure.objects.select_for_update().filter(
        organisation_id__in={k[0] for k in keys}, year__in={k[1] for k in keys})
    return {(f.organisation_id, f.year): f for f in found
            if (f.organisation_id, f.year) in keys}


def event_key(e: RegistryEvent) -> tuple[Any, ...]:
    """What makes two events the same fact: applicant, type, date, matter and payload."""
    return (e.organisation_id, e.person_id, e.team_id, e.type, e.date, e.matter,
            json.dumps(e.payload, sort_keys=True, default=str))


def write_events(actor: Actor, events: Sequence[RegistryEvent], applicants: Sequence[str],
                 summary: dict[str, Any], *, numbers: Sequence[int] = (),
                 report: Report = _no_report) -> Written:
    """Record the (validated, canonical) events, each audited as registry.event.record, BATCH
    per transaction; an event already on the registry (the same applicant, type, date, matter
    and payload) is not recorded twice, so the same file imported again, or twice at once,
    adds nothing."""
    pairs = list(zip(events, applicants, strict=True))
    return _in_batches(actor, pairs, summary, numbers, report,
                       lambda chunk: _events_once(actor, chunk))


def _events_once(actor: Actor, pairs: Sequence[tuple[RegistryEvent, str]]) -> Written:
    recorder = _recorder(actor)
    for e, _who in pairs:
        e.pk = None  # a retry inserts them again
        e.recorded_by_id = recorder
    with transaction.atomic():
        hold_lock()
        known = _known_events([e for e, _ in pairs])
        new = [(e, who) for e, who in pairs if event_key(e) not in known]
        RegistryEvent.objects.bulk_create([e for e, _ in new], batch_size=BATCH)
        items = AuditItems(
            ("registry.event.record", e, {"type": e.type, "date": e.date.isoformat(),
                                          "matter": e.matter, "payload": e.payload,
                                          "applicant": who})
            for e, who in new)
        record_many(actor, items, batch=BATCH)
    return Written(created=len(new), unchanged=len(pairs) - len(new))


def _known_events(events: Sequence[RegistryEvent]) -> set[tuple[Any, ...]]:
    who = Q(organisation_id__in={e.organisation_id for e in events if e.organisation_id})
    who |= Q(person_id__in={e.person_id for e in events if e.person_id})
    who |= Q(team_id__in={e.team_id for e in events if e.team_id})
    found = RegistryEvent.objects.filter(who, type__in={e.type for e in events},
                                         date__in={e.date for e in events})
    return {event_key(e) for e in found}
