"""The ledger's invariants, checked over the whole journal (`manage.py ledger_check`).

They hold by construction when every write goes through services; the check finds what was
changed behind the services' back (raw SQL, a restored backup, a bug).
"""

from __future__ import annotations

from django.db.models import Count, Q

from policyhub.ledger.models import Account, Commitment, JournalEntry, MoneySum, Posting
from policyhub.ledger.params import fund

Kind = Account.Kind
DEBIT_KINDS = (Kind.POOL, Kind.COMMITMENTS, Kind.PAID)  # never below zero
CREDIT_KINDS = (Kind.CITY, Kind.ZONE)  # never above zero
AWARD_KINDS = (Kind.COMMITMENTS, Kind.PAID)  # per award (its pool side is a credit)


def problems() -> list[str]:
    """Every broken invariant, one sentence each; empty when the books are sound."""
    return [*_unbalanced_entries(), *_negative_balances(), *_awards(), *_matching(),
            *_payments_without_key()]


def _unbalanced_entries() -> list[str]:
    bad = (JournalEntry.objects.annotate(total=MoneySum("postings__amount"), n=Count("postings"))
           .filter(Q(n__lt=2) | ~Q(total=0)).values_list("pk", "total", "n"))
    return [f"entry #{pk} does not balance: {n} postings summing to {total}"
            for pk, total, n in bad]


def _negative_balances() -> list[str]:
    out = []
    rows = Posting.objects.values_list("account__code", "account__kind").annotate(
        total=MoneySum("amount"))
    for code, kind, total in rows:
        if (kind in DEBIT_KINDS and total < 0) or (kind in CREDIT_KINDS and total > 0):
            out.append(f"account {code} has a balance of the wrong sign: {total}")
    return out


def _awards() -> list[str]:
    """Per award: outstanding ≥ 0 (payments never exceed the commitment) and exactly one
    commitment entry."""
    out = []
    rows = Posting.objects.filter(entry__commitment__isnull=False).values_list(
        "entry__commitment__award_key", "account__kind").annotate(total=MoneySum("amount"))
    for award_key, kind, total in rows:
        if kind in AWARD_KINDS and total < 0:
            out.append(f"award {award_key}: {kind} balance {total} is negative")
    singles = Commitment.objects.annotate(n=Count(
        "entries", filter=Q(entries__kind=JournalEntry.Kind.COMMITMENT))).exclude(n=1)
    out += [f"award {c.award_key}: {c.n} commitment entries instead of 1" for c in singles]
    return out


def _matching() -> list[str]:
    p = fund()
    city = -Posting.objects.of_kind(Kind.CITY).balance()
    zone = -Posting.objects.of_kind(Kind.ZONE).balance()
    out = []
    if city * p.zone_ratio > zone * p.city_ratio:
        out.append(f"the city ({city}) is ahead of the zone's matching ({zone})")
    if city > p.city_share or zone > p.zone_share or city + zone > p.total:
        out.append(f"contributions exceed the text: city {city}, zone {zone}, total {p.total}")
    return out


def _payments_without_key() -> list[str]:
    bad = JournalEntry.objects.filter(kind=JournalEntry.Kind.PAYMENT).filter(
        Q(idempotency_key__isnull=True) | Q(idempotency_key=""))
    return [f"payment entry #{pk} has no idempotency key"
            for pk in bad.values_list("pk", flat=True)]
