"""The special fund's books (二(一)): accounts, balanced journal entries and their postings.

Double entry: every JournalEntry has two or more Postings whose amounts sum to zero (positive
= debit, negative = credit). Entries and postings are append-only, like audit.AuditEntry: a
mistake or a refusal after approval is undone by a *reversing* entry, never by an edit, so
the journal is the whole history. No balance is stored anywhere: every figure is a sum over
postings (`Posting.objects.for_account(a).balance()`).

Accounts, per budget year Y (see docs/ledger.md):

    city_contribution[Y]  credit balance: what 市本级 put in
    zone_contribution[Y]  credit balance: what 长沙高新区 put in (matching)
    pool[Y]               debit balance: funds available for new commitments
    commitments[Y]        debit balance: approved, reserved, not yet paid
    paid[Y]               debit balance: paid out to payees

so budget[Y] = pool + commitments + paid = −(city + zone contributions).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from policyhub.appendonly import AppendOnlyModel, AppendOnlyQuerySet

ZERO = Decimal("0.00")
MAX_DIGITS, PLACES = 18, 2  # yuan to the fen

class Account(models.Model):
    """A ledger account of one budget year. Reference data: its balance is never stored.

    The rows of a year are also the lock that serialises that year's commitments and payments
    (SELECT … FOR UPDATE), see services._lock_year.
    """

    class Kind(models.TextChoices):
        CITY = "city_contribution", _("市本级出资")
        ZONE = "zone_contribution", _("高新区配套出资")
        POOL = "pool", _("专项资金可用额度")
        COMMITMENTS = "commitments", _("已核定待拨付")
        PAID = "paid", _("已拨付")

    code = models.SlugField(unique=True, help_text="kind-year, e.g. pool-2020")
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("预算年度"))

    class Meta:
        ordering = ("year", "kind")
        verbose_name = _("台账科目")
        verbose_name_plural = _("台账科目")
        constraints = (
            models.UniqueConstraint(fields=("kind", "year"), name="ledger_one_kind_per_year"),
        )

    def __str__(self) -> str:
        return self.code


class Commitment(AppendOnlyModel):
    """An approved award (核定) the fund has reserved money for. Its amounts are not stored:
    they are the postings of the entries that point at it (see CommitmentAmounts)."""

    award_key = models.CharField(_("奖补事项编号"), max_length=120, unique=True)
    year = models.PositiveSmallIntegerField(_("预算年度"), db_index=True)
    clause = models.CharField(_("政策条款"), max_length=40, db_index=True,
                              help_text="e.g. 政策/二/(四)")
    department = models.ForeignKey("units.Unit", verbose_name=_("责任部门"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="+")
    district = models.CharField(_("区县（市）"), max_length=50, blank=True, db_index=True)
    payee = models.CharField(_("收款单位"), max_length=200)
    at = models.DateTimeField(_("核定时间"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")

    objects: AppendOnlyQuerySet[Commitment] = AppendOnlyQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ("at", "id")
        verbose_name = _("资金承诺")
        verbose_name_plural = _("资金承诺")

    def __str__(self) -> str:
        return self.award_key


class JournalEntry(AppendOnlyModel):
    """One balanced transaction: its postings sum to zero (checked by services._post)."""

    class Kind(models.TextChoices):
        CONTRIBUTION = "contribution", _("出资到位")
        COMMITMENT = "commitment", _("核定承诺")
        PAYMENT = "payment", _("拨付")
        RELEASE = "release", _("撤销承诺（冲销）")

    at = models.DateTimeField(_("记账时间"), db_index=True)
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("预算年度"))
    memo = models.TextField(_("摘要"), blank=True)
    award_key = models.CharField(max_length=120, blank=True, db_index=True)
    commitment = models.ForeignKey(Commitment, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="entries")
    # Payments only: a retry with the same key returns this entry; a different body under
    # the same key (request_hash differs) is refused.
    idempotency_key = models.CharField(max_length=120, null=True, blank=True, unique=True)
    request_hash = models.CharField(max_length=64, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(max_length=150, blank=True)
    reverses = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="reversals")

    objects: AppendOnlyQuerySet[JournalEntry] = AppendOnlyQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ("id",)
        verbose_name = _("记账凭证")
        verbose_name_plural = _("记账凭证")

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.award_key}".rstrip()


class MoneySum(models.Sum):
    """SUM of amounts in yuan, exact to the fen on every database.

    SQLite sums DECIMAL columns as binary floats and Django turns the result into a Decimal of
    15 significant digits without rounding it (-7.1e-15 for 45.26 - 0.24 - 45.02). Every amount
    has two decimals, so rounding the sum to the fen restores the exact value for any total
    below 2^53 fen (9e13 yuan).
    """

    def __init__(self, expression: Any, **extra: Any) -> None:
        extra.setdefault("output_field",
                         models.DecimalField(max_digits=MAX_DIGITS, decimal_places=PLACES))
        super().__init__(expression, **extra)

    def convert_value(self, value: Any, expression: Any, connection: Any) -> Decimal | None:
        return None if value is None else Decimal(value).quantize(ZERO)


class PostingQuerySet(AppendOnlyQuerySet["Posting"]):
    def for_account(self, account: Account) -> PostingQuerySet:
        return self.filter(account=account)

    def of_kind(self, kind: str, year: int | None = None) -> PostingQuerySet:
        qs = self.filter(account__kind=kind)
        return qs if year is None else qs.filter(account__year=year)

    def for_commitment(self, commitment: Commitment) -> PostingQuerySet:
        return self.filter(entry__commitment=commitment)

    def balance(self) -> Decimal:
        """Debits minus credits of the selected postings (0.00 when there are none)."""
        total = self.aggregate(total=Coalesce(
            MoneySum("amount"), ZERO,
            output_field=models.DecimalField(max_digits=MAX_DIGITS, decimal_places=PLACES)))
        return Decimal(total["total"]).quantize(ZERO)


class Posting(AppendOnlyModel):
    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="postings")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="postings")
    amount = models.DecimalField(_("金额（元，借正贷负）"), max_digits=MAX_DIGITS,
                                 decimal_places=PLACES)

    objects: PostingQuerySet = PostingQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ("id",)
        verbose_name = _("分录")
        verbose_name_plural = _("分录")
        constraints = (
            models.CheckConstraint(condition=~models.Q(amount=0), name="ledger_posting_not_zero"),
        )

    def __str__(self) -> str:
        return f"{self.account} {self.amount:+}"
