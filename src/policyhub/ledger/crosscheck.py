"""The ledger against itself and the audit trail (`manage.py ledger_check`, issue 16 item 6).

`checks.py` checks sums: balances, matching, per-award totals. Those hold after many edits made
with database write access — a payment deleted with its postings, a commitment inflated on both
sides, a posting re-pointed to another account of the same sign. These checks hold every row
to what wrote it:

- shape: each entry kind has exactly one posting pair (debit kind, credit kind) in its own
  year, tied to a commitment exactly when the kind is about an award;
- the audit trail: every entry has the one audit row its service wrote in the same transaction
  (ledger.contribute, .commit, .pay, .release, naming the entry and the amount), every
  commitment its ledger.commit row, and every such row its entry or commitment;
- time: entries are dated in the order they were written (every ledger write holds the audit
  head lock), a commitment before its entries, each entry shortly before its audit row.

The application states are cross-checked in policyhub.applications.fundcheck.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from policyhub.audit.models import AuditEntry
from policyhub.ledger.models import Account, Commitment, JournalEntry, Posting

Kind = Account.Kind
EntryKind = JournalEntry.Kind

# (debit account kind, credit account kinds) of each entry kind (services._post's callers).
SHAPES: dict[str, tuple[str, tuple[str, ...]]] = {
    EntryKind.CONTRIBUTION: (Kind.POOL, (Kind.CITY, Kind.ZONE)),
    EntryKind.COMMITMENT: (Kind.COMMITMENTS, (Kind.POOL,)),
    EntryKind.PAYMENT: (Kind.PAID, (Kind.COMMITMENTS,)),
    EntryKind.RELEASE: (Kind.POOL, (Kind.COMMITMENTS,)),
}
ACTIONS: dict[str, str] = {
    EntryKind.CONTRIBUTION: "ledger.contribute", EntryKind.COMMITMENT: "ledger.commit",
    EntryKind.PAYMENT: "ledger.pay", EntryKind.RELEASE: "ledger.release"}
AWARD_KINDS = (EntryKind.COMMITMENT, EntryKind.PAYMENT, EntryKind.RELEASE)
# An entry and its audit row are written in one transaction, a few milliseconds apart.
AUDIT_LAG = dt.timedelta(seconds=60)


@dataclass
class _Entry:
    pk: int
    kind: str
    year: int
    at: dt.datetime
    award_key: str
    commitment_id: int | None
    reverses_id: int | None
    postings: list[tuple[str, int, Decimal]] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.kind} entry #{self.pk}" + (f" ({self.award_key})" if self.award_key else "")

    def amount(self) -> Decimal | None:
        debits = [a for _, _, a in self.postings if a > 0]
        return debits[0] if len(debits) == 1 else None


@dataclass(frozen=True)
class _Row:
    seq: int
    action: str
    object_type: str
    object_id: str
    payload: dict[str, Any]
    at: dt.datetime


def problems() -> list[str]:
    entries = _entries()
    rows = _audit_rows()
    return [*shape_problems(entries.values()), *audit_problems(entries, rows),
            *commitment_problems(rows), *time_problems(entries, rows)]


def _entries() -> dict[int, _Entry]:
    entries = {pk: _Entry(pk, kind, year, at, award_key, cid, rid) for
               pk, kind, year, at, award_key, cid, rid in JournalEntry.objects.order_by("id")
               .values_list("id", "kind", "year", "at", "award_key", "commitment_id",
                            "reverses_id")}
    for entry_id, kind, year, amount in Posting.objects.values_list(
            "entry_id", "account__kind", "account__year", "amount"):
        if entry_id in entries:
            entries[entry_id].postings.append((kind, year, amount))
    return entries


def _audit_rows() -> list[_Row]:
    found = AuditEntry.objects.filter(action__in=ACTIONS.values(), allowed=True).order_by("seq")
    return [_Row(seq, action, ot, oid, payload if isinstance(payload, dict) else {}, at)
            for seq, action, ot, oid, payload, at in found.values_list(
                "seq", "action", "object_type", "object_id", "payload", "at")
            if not (isinstance(payload, dict) and payload.get("replayed"))]


def shape_problems(entries: Iterable[_Entry]) -> list[str]:
    """Every entry: its kind's one posting pair, in its own year, tied to a commitment iff
    the kind is about an award; a release reverses a commitment entry."""
    out = []
    orphans = Posting.objects.exclude(entry_id__in=JournalEntry.objects.values("id"))
    out += [f"posting #{pk} belongs to no journal entry"
            for pk in orphans.values_list("id", flat=True)]
    for e in entries:
        shape = SHAPES.get(e.kind)
        if shape is None:
            out.append(f"entry #{e.pk} has an unknown kind {e.kind!r}")
            continue
        debit, credits = shape
        sides = sorted(((k, y, a > 0) for k, y, a in e.postings), key=lambda s: not s[2])
        if (len(sides) != 2 or sides[0][0] != debit or not sides[0][2]
                or sides[1][0] not in credits or sides[1][2]):
            pairs = ", ".join(f"{k}-{y} {a:+}" for k, y, a in e.postings)
            out.append(f"{e.label} does not post to its accounts ({debit} debit, "
                       f"{'/'.join(credits)} credit): {pairs or 'no postings'}")
        elif any(y != e.year for _, y, _ in sides):
            out.append(f"{e.label} of {e.year} posts to an account of another year")
        if (e.kind in AWARD_KINDS) != (e.commitment_id is not None):
            out.append(f"{e.label} is {'not ' if e.commitment_id is None else ''}tied to a "
                       "commitment")
        if (e.kind == EntryKind.RELEASE) != (e.reverses_id is not None):
            out.append(f"{e.label}: only a release reverses an entry, and every release does")
    return out


def audit_problems(entries: dict[int, _Entry], rows: list[_Row]) -> list[str]:
    """Every entry has exactly one audit row of its kind, naming it and its amount; every
    such row names an entry that exists and is of that kind."""
    out = []
    by_entry: dict[int, list[_Row]] = defaultdict(list)
    for row in rows:
        ref = _int(row.payload.get("entry"))
        if ref is None:
            continue
        if ref not in entries:
            out.append(f"audit entry {row.seq} ({row.action}, {_said(row)}) records entry "
                       f"#{ref}, which the journal no longer has")
            continue
        by_entry[ref].append(row)
    for e in entries.values():
        found = by_entry.get(e.pk, [])
        if len(found) != 1:
            out.append(f"{e.label} has {len(found)} audit rows instead of 1")
            continue
        row = found[0]
        if row.action != ACTIONS.get(e.kind):
            out.append(f"{e.label} was written as {row.action} (audit entry {row.seq})")
            continue
        said = _said(row)
        if said is None or said != e.amount():
            out.append(f"{e.label} amounts to {e.amount()} but its audit entry {row.seq} "
                       f"says {said}")
        if e.kind in AWARD_KINDS and row.payload.get("award_key") != e.award_key:
            out.append(f"{e.label}: audit entry {row.seq} names award "
                       f"{row.payload.get('award_key')}")
        if e.kind == EntryKind.CONTRIBUTION:
            credited = next((str(k) for k, _, a in e.postings if a < 0), "")
            source = {"city_contribution": "city", "zone_contribution": "zone"}.get(credited, "")
            if row.payload.get("source") != source or _int(row.payload.get("year")) != e.year:
                out.append(f"{e.label}: its audit entry {row.seq} names another source or year")
    return out


def _said(row: _Row) -> Decimal | None:
    """The amount an audit row recorded (a release records what it released)."""
    value = row.payload.get("released" if row.action == "ledger.release" else "amount")
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    except ArithmeticError:
        return None


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def commitment_problems(rows: list[_Row]) -> list[str]:
    """Every commitment has its ledger.commit audit row with its key, year and payee, and
    every such row its commitment."""
    out = []
    commits = {row.object_id: row for row in rows if row.action == "ledger.commit"}
    for c in Commitment.objects.order_by("id"):
        row = commits.pop(str(c.pk), None)
        if row is None:
            out.append(f"commitment {c.award_key} has no audit entry")
        elif (row.payload.get("award_key"), _int(row.payload.get("year")),
              row.payload.get("payee")) != (c.award_key, c.year, c.payee):
            out.append(f"commitment {c.award_key} ({c.year}, {c.payee}) differs from its "
                       f"audit entry {row.seq}")
    out += [f"audit entry {row.seq} records commitment {row.payload.get('award_key')} "
            f"({_said(row)}), which the ledger no longer has" for row in commits.values()]
    return out


def time_problems(entries: dict[int, _Entry], rows: list[_Row]) -> list[str]:
    """Entries dated in the order they were written; a commitment before its entries; each
    entry at most AUDIT_LAG before its audit row, never after."""
    out = []
    last: _Entry | None = None
    for e in entries.values():  # in id order
        if last is not None and e.at < last.at:
            out.append(f"{e.label} is dated {e.at.isoformat()}, before #{last.pk} "
                       f"({last.at.isoformat()}) written ahead of it")
        last = e
    dated = dict(Commitment.objects.values_list("id", "at"))
    for e in entries.values():
        if e.commitment_id in dated and e.at < dated[e.commitment_id]:
            out.append(f"{e.label} is dated before its commitment")
    for row in rows:
        found = entries.get(_int(row.payload.get("entry")) or 0)
        if found is not None and not (found.at <= row.at <= found.at + AUDIT_LAG):
            out.append(f"{found.label} is dated {found.at.isoformat()}, its audit entry "
                       f"{row.seq} {row.at.isoformat()}")
    return out
