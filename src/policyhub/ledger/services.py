"""The special fund's services (二(一)): the interface of docs/design.md.

Every call runs in one transaction with its audit entry (audit.record), so the books and the
trail commit together; a refusal raises a LedgerError after recording `allowed=False` with its
reason (that record commits unless the caller rolls back its own transaction).

Concurrency. Each call first locks the audit chain's head row, then the account rows of the
budget year it touches (SELECT … FOR UPDATE; SQLite serialises writers itself, IMMEDIATE mode).
Checking the available balance and inserting the commitment therefore happen with no other
writer of that year in between, so concurrent approvals never overspend and concurrent payments
never pay twice. The audit head comes first because audit.record takes it anyway: a caller
that records before calling us and one that calls us before recording then take the two locks
in the same order, which rules out a deadlock between them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Literal, TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.utils import timezone

from policyhub import policytext
from policyhub.audit.models import AuditHead
from policyhub.audit.services import record
from policyhub.ledger.errors import (
    CommitmentRefused,
    ContributionRefused,
    IdempotencyConflict,
    InsufficientFunds,
    InvalidRequest,
    LedgerError,
    PaymentRefused,
    ReleaseRefused,
)
from policyhub.ledger.models import ZERO, Account, Commitment, JournalEntry, MoneySum, Posting
from policyhub.ledger.params import fund
from policyhub.units.models import Unit

__all__ = [
    "CommitmentRefused", "ContributionRefused", "IdempotencyConflict", "InsufficientFunds",
    "InvalidRequest", "LedgerError", "Payment", "PaymentRefused", "ReleaseRefused",
    "YearFigures", "available", "commit", "contribute", "ensure_accounts", "figures",
    "outstanding", "pay", "release",
]

Actor = AbstractBaseUser | AnonymousUser | None
Source = Literal["city", "zone"]
Kind = Account.Kind
T = TypeVar("T")
CENT = Decimal("0.01")
SOURCE_KIND: dict[str, str] = {"city": Kind.CITY, "zone": Kind.ZONE}
KEY_MAX = 120  # JournalEntry.award_key / idempotency_key


@dataclass(frozen=True)
class Payment:
    """A posted payment; a retry under the same idempotency key returns an equal Payment."""

    entry_id: int
    award_key: str
    amount: Decimal
    idempotency_key: str
    year: int
    payee: str
    at: datetime


@dataclass(frozen=True)
class YearFigures:
    """One budget year: budget = committed + paid + available (all derived from postings)."""

    year: int
    budget: Decimal
    committed: Decimal  # approved, reserved, not yet paid
    paid: Decimal
    available: Decimal


# --- the interface ---------------------------------------------------------------------------

def contribute(source: Source, year: int, amount: Decimal, actor: Actor, *,
               reference: str) -> JournalEntry:
    """Book money put into the fund by the city (市本级) or the high-tech zone (高新区).

    Refused when the city's cumulative total would run ahead of the zone's at the 1:1 ratio,
    or when a source or the fund would exceed the text's amounts."""
    payload: dict[str, Any] = {"source": source, "year": year, "amount": str(amount),
                               "reference": reference}

    def work() -> JournalEntry:
        if source not in SOURCE_KIND:
            raise InvalidRequest(f"出资来源应为 city 或 zone，而不是 {source!r}")
        value = _amount(amount)
        _budget_year(year)
        if not reference.strip():
            raise InvalidRequest("出资须注明凭证（reference）")
        _lock_contributions()
        _check_contribution(source, value)
        accounts = _accounts(year)
        entry = _post(JournalEntry.Kind.CONTRIBUTION, year, actor, memo=reference, lines=[
            (accounts[Kind.POOL], value), (accounts[SOURCE_KIND[source]], -value)])
        record(actor, "ledger.contribute", entry, allowed=True, **payload,
               entry=entry.pk, city_total=str(_contributed(Kind.CITY)),
               zone_total=str(_contributed(Kind.ZONE)))
        return entry

    return _audited("ledger.contribute", actor, payload, work)


def commit(award_key: str, year: int, amount: Decimal, actor: Actor, *, clause: str,
           department: Unit | None, district: str, payee: str) -> Commitment:
    """Reserve `amount` of year's pool for an approved award; InsufficientFunds when
    pool(year) − committed − paid < amount."""
    payload: dict[str, Any] = {
        "award_key": award_key, "year": year, "amount": str(amount), "clause": clause,
        "department": department.code if department else "", "district": district,
        "payee": payee}

    def work() -> Commitment:
        value = _amount(amount)
        _budget_year(year)
        _key(award_key, "award_key")
        _clause(clause)
        if not payee.strip():
            raise InvalidRequest("须注明收款单位（payee）")
        accounts = _lock_year(year)
        if Commitment.objects.filter(award_key=award_key).exists():
            raise CommitmentRefused(f"奖补事项 {award_key} 已核定，不能重复承诺",
                                    award_key=award_key)
        now = figures(year)
        if now.available < value:
            raise InsufficientFunds(year=year, requested=value, available=now.available,
                                    budget=now.budget, committed=now.committed, paid=now.paid)
        commitment = Commitment.objects.create(
            award_key=award_key, year=year, clause=clause, department=department,
            district=district, payee=payee, at=timezone.now(), actor_id=_actor_id(actor))
        entry = _post(JournalEntry.Kind.COMMITMENT, year, actor, commitment=commitment,
                      memo=f"核定 {clause} {payee}", lines=[
                          (accounts[Kind.COMMITMENTS], value), (accounts[Kind.POOL], -value)])
        record(actor, "ledger.commit", commitment, allowed=True, **payload, entry=entry.pk,
               available_after=str(now.available - value))
        return commitment

    return _audited("ledger.commit", actor, payload, work)


def pay(award_key: str, amount: Decimal, actor: Actor, *, idempotency_key: str) -> Payment:
    """Pay `amount` (≤ the award's outstanding commitment) to its payee. Idempotent: the same
    key with the same request returns the first Payment; with another request it raises
    IdempotencyConflict. An award with nothing outstanding is never paid again."""
    payload: dict[str, Any] = {"award_key": award_key, "amount": str(amount),
                               "idempotency_key": idempotency_key}

    def work() -> Payment:
        value = _amount(amount)
        _key(idempotency_key, "idempotency_key")
        digest = request_hash(award_key, value)
        commitment = Commitment.objects.filter(award_key=award_key).first()
        if commitment is None:
            _replay(idempotency_key, digest)  # a key reused for an unknown award: conflict
            raise PaymentRefused(f"奖补事项 {award_key} 没有资金承诺，不能拨付",
                                 award_key=award_key)
        accounts = _lock_year(commitment.year)
        first = _replay(idempotency_key, digest)
        if first is not None:
            record(actor, "ledger.pay", first, allowed=True, replayed=True, **payload,
                   entry=first.pk)
            return _payment(first, commitment)
        left = outstanding(commitment)
        if left == ZERO:
            raise PaymentRefused(f"奖补事项 {award_key} 已无待拨付金额（已拨付完毕或已撤销），"
                                 "不能再次拨付", award_key=award_key, paid=str(_paid(commitment)))
        if value > left:
            raise PaymentRefused(f"拨付 {value} 元超过奖补事项 {award_key} 待拨付的 {left} 元",
                                 award_key=award_key, outstanding=str(left))
        entry = _post(JournalEntry.Kind.PAYMENT, commitment.year, actor, commitment=commitment,
                      idempotency_key=idempotency_key, request_hash=digest,
                      memo=f"拨付 {commitment.payee}", lines=[
                          (accounts[Kind.PAID], value), (accounts[Kind.COMMITMENTS], -value)])
        record(actor, "ledger.pay", entry, allowed=True, replayed=False, **payload,
               entry=entry.pk, outstanding_after=str(left - value))
        return _payment(entry, commitment)

    return _audited("ledger.pay", actor, payload, work)


def release(award_key: str, actor: Actor, *, reason: str) -> None:
    """Void what is still outstanding of an award (refused or withdrawn after approval) by a
    reversing entry that puts it back in the pool. Payments already made stay."""
    payload: dict[str, Any] = {"award_key": award_key, "release_reason": reason}

    def work() -> None:
        if not reason.strip():
            raise InvalidRequest("撤销承诺须说明理由（reason）")
        commitment = Commitment.objects.filter(award_key=award_key).first()
        if commitment is None:
            raise ReleaseRefused(f"奖补事项 {award_key} 没有资金承诺", award_key=award_key)
        accounts = _lock_year(commitment.year)
        left = outstanding(commitment)
        if left == ZERO:
            raise ReleaseRefused(f"奖补事项 {award_key} 已无待拨付金额，无可撤销",
                                 award_key=award_key)
        original = commitment.entries.get(kind=JournalEntry.Kind.COMMITMENT)
        entry = _post(JournalEntry.Kind.RELEASE, commitment.year, actor, commitment=commitment,
                      reverses=original, memo=reason, lines=[
                          (accounts[Kind.POOL], left), (accounts[Kind.COMMITMENTS], -left)])
        record(actor, "ledger.release", commitment, allowed=True, **payload, entry=entry.pk,
               released=str(left))

    _audited("ledger.release", actor, payload, work)


def available(year: int) -> Decimal:
    """pool(year) − committed − paid: what new commitments of that year can still take."""
    return Posting.objects.of_kind(Kind.POOL, year).balance()


# --- derived figures -------------------------------------------------------------------------

def figures(year: int) -> YearFigures:
    """Budget, committed, paid and available of one year: one grouped sum over its postings."""
    sums = dict(Posting.objects.filter(account__year=year).values_list("account__kind")
                .annotate(total=MoneySum("amount")).values_list("account__kind", "total"))
    pool, committed, paid = (Decimal(sums.get(k) or ZERO).quantize(CENT)
                             for k in (Kind.POOL, Kind.COMMITMENTS, Kind.PAID))
    return YearFigures(year, pool + committed + paid, committed, paid, pool)


def outstanding(commitment: Commitment) -> Decimal:
    """What is approved for the award and neither paid nor released."""
    return Posting.objects.for_commitment(commitment).of_kind(Kind.COMMITMENTS).balance()


def _paid(commitment: Commitment) -> Decimal:
    return Posting.objects.for_commitment(commitment).of_kind(Kind.PAID).balance()


def _contributed(kind: str) -> Decimal:
    """A source's cumulative contribution over all years (its accounts have credit balances)."""
    return -Posting.objects.of_kind(kind).balance()


def request_hash(award_key: str, amount: Decimal) -> str:
    body = json.dumps({"award_key": award_key, "amount": str(amount)}, sort_keys=True,
                      ensure_ascii=False)
    return hashlib.sha256(body.encode()).hexdigest()


# --- accounts and locks ----------------------------------------------------------------------

def ensure_accounts() -> None:
    """Create every account of every budget year once (a no-op when they exist, also when two
    transactions race: ON CONFLICT DO NOTHING)."""
    rows = [Account(code=f"{kind.value.replace('_', '-')}-{year}", kind=kind.value, year=year,
                    name=f"{year}年度{kind.label}")
            for year in fund().budget_years for kind in Kind]
    Account.objects.bulk_create(rows, ignore_conflicts=True)


def _accounts(year: int) -> dict[str, Account]:
    found = {a.kind: a for a in Account.objects.filter(year=year)}
    if len(found) < len(Kind):
        ensure_accounts()
        found = {a.kind: a for a in Account.objects.filter(year=year)}
    return found


def _lock_year(year: int) -> dict[str, Account]:
    """Lock the year's account rows (in id order) until commit: every writer of that year's
    money takes them, so a check of its balances stays true until the writer commits."""
    for _ in range(2):
        accounts = {a.kind: a for a in Account.objects.select_for_update().filter(year=year)
                    .order_by("id")}
        if len(accounts) == len(Kind):
            return accounts
        ensure_accounts()  # first use of the year: create, then lock
    raise RuntimeError(f"the accounts of {year} could not be created")


def _lock_contributions() -> None:
    """The matching rule compares cumulative totals over all years: lock all their accounts,
    in id order so that two contributions never wait on each other crosswise."""
    ensure_accounts()
    list(Account.objects.select_for_update().filter(kind__in=[Kind.CITY, Kind.ZONE])
         .order_by("id").values_list("id", flat=True))


def _lock_audit_head() -> None:
    AuditHead.objects.select_for_update().get_or_create(id=1)


# --- checks ----------------------------------------------------------------------------------

def _amount(value: Decimal) -> Decimal:
    """A positive amount in yuan with at most two decimals (fen), as a Decimal."""
    try:
        number = Decimal(value) if isinstance(value, Decimal | int | str) else Decimal("NaN")
    except (InvalidOperation, ValueError):
        number = Decimal("NaN")
    if not number.is_finite() or number <= 0 or number != number.quantize(CENT):
        raise InvalidRequest(f"金额应为正数且最多两位小数（元），而不是 {value!r}")
    return number.quantize(CENT)


def _budget_year(year: int) -> None:
    years = fund().budget_years
    if year not in years:
        raise InvalidRequest(f"预算年度应在 {years.start}–{years.stop - 1} 之间，而不是 {year}"
                             f"（{fund().reference('first_year')}）")


def _key(value: str, name: str) -> None:
    if not value.strip() or len(value) > KEY_MAX:
        raise InvalidRequest(f"{name} 应为 1–{KEY_MAX} 个字符")


def _clause(clause_id: str) -> None:
    try:
        policytext.clause(clause_id)
    except KeyError:
        raise InvalidRequest(f"未知的政策条款 {clause_id!r}（应如 政策/二/(四)）") from None


def _check_contribution(source: str, value: Decimal) -> None:
    p = fund()
    city, zone = _contributed(Kind.CITY), _contributed(Kind.ZONE)
    new_city = city + value if source == "city" else city
    new_zone = zone + value if source == "zone" else zone
    figs = {"city_total": city, "zone_total": zone, "amount": value}
    if new_city * p.zone_ratio > new_zone * p.city_ratio:
        raise ContributionRefused(
            f"市本级出资须在高新区按 {p.city_ratio}∶{p.zone_ratio} 配套到位的前提下安排：高新区累计"
            f" {zone} 元，市本级累计将达 {new_city} 元（{p.reference('matching_ratio')}）", **figs)
    if new_city > p.city_share:
        raise ContributionRefused(f"市本级三年累计安排 {p.city_share} 元，本次出资后将达"
                                  f" {new_city} 元（{p.reference('city_share')}）", **figs)
    if new_zone > p.zone_share or new_city + new_zone > p.total:
        raise ContributionRefused(
            f"专项资金三年累计 {p.total} 元（高新区配套 {p.zone_share} 元），本次出资后将达"
            f" {new_city + new_zone} 元（高新区 {new_zone} 元）（{p.reference('total')}）", **figs)


# --- posting and auditing --------------------------------------------------------------------

def _post(kind: str, year: int, actor: Actor, *, lines: Sequence[tuple[Account, Decimal]],
          memo: str = "", commitment: Commitment | None = None,
          idempotency_key: str | None = None, request_hash: str = "",
          reverses: JournalEntry | None = None) -> JournalEntry:
    """Write one balanced entry: two or more non-zero postings summing to zero."""
    if len(lines) < 2 or any(amount == 0 for _, amount in lines):
        raise ValueError("an entry needs two or more non-zero postings")
    if sum((amount for _, amount in lines), ZERO) != 0:
        raise ValueError(f"unbalanced entry: {[(a.code, str(x)) for a, x in lines]}")
    entry = JournalEntry.objects.create(
        at=timezone.now(), kind=kind, year=year, memo=memo, commitment=commitment,
        award_key=commitment.award_key if commitment else "", idempotency_key=idempotency_key,
        request_hash=request_hash, reverses=reverses, actor_id=_actor_id(actor),
        actor_label=_actor_label(actor))
    Posting.objects.bulk_create(
        [Posting(entry=entry, account=account, amount=amount) for account, amount in lines])
    return entry


def _replay(idempotency_key: str, digest: str) -> JournalEntry | None:
    first = JournalEntry.objects.filter(idempotency_key=idempotency_key).first()
    if first is not None and first.request_hash != digest:
        raise IdempotencyConflict(
            f"幂等键 {idempotency_key} 已用于另一笔拨付（{first.award_key}），不能用于不同的请求",
            idempotency_key=idempotency_key, first_entry=first.pk)
    return first


def _payment(entry: JournalEntry, commitment: Commitment) -> Payment:
    amount = entry.postings.filter(account__kind=Kind.PAID).get().amount
    return Payment(entry_id=entry.pk, award_key=commitment.award_key, amount=amount,
                   idempotency_key=entry.idempotency_key or "", year=entry.year,
                   payee=commitment.payee, at=entry.at)


def _audited(action: str, actor: Actor, payload: dict[str, Any], work: Callable[[], T]) -> T:
    """Run `work` atomically after the locks; record a refusal (allowed=False) and re-raise."""
    try:
        with transaction.atomic():
            _lock_audit_head()
            return work()
    except LedgerError as exc:
        with transaction.atomic():
            figures = {k: str(v) for k, v in exc.figures.items()}
            record(actor, action, allowed=False, reason=exc.reason, **{**payload, **figures})
        raise


def _authenticated(actor: Actor) -> bool:
    return actor is not None and actor.is_authenticated


def _actor_id(actor: Actor) -> Any:
    return actor.pk if actor is not None and _authenticated(actor) else None


def _actor_label(actor: Actor) -> str:
    return actor.get_username() if actor is not None and _authenticated(actor) else "system"
