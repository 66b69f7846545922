"""The action plan as records: its targets, its tasks and the values units report.

Targets and tasks are loaded from the text (policytext) and plan/targets.yaml by
plan.loading on every migrate; nobody edits them by hand. Reports are append-only: a
correction is a new report, and the latest one (by as-of date, then entry time) wins.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from policyhub import policytext
from policyhub.appendonly import AppendOnlyModel
from policyhub.plan.data import KIND_LABELS


class Target(models.Model):
    class Kind(models.TextChoices):
        AT_LEAST = "at_least", _(KIND_LABELS["at_least"])
        AT_MOST = "at_most", _(KIND_LABELS["at_most"])
        RANGE = "range", _(KIND_LABELS["range"])
        SHARE = "share", _(KIND_LABELS["share"])

    code = models.SlugField(_("编号"), max_length=60, unique=True)
    clause = models.CharField(_("条款"), max_length=60)
    quote = models.TextField(_("原文"))
    label = models.CharField(_("目标"), max_length=200)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    value = models.DecimalField(_("目标值"), max_digits=20, decimal_places=4)
    high = models.DecimalField(_("区间上限"), max_digits=20, decimal_places=4, null=True,
                               blank=True)
    unit = models.CharField(_("单位"), max_length=10)
    start = models.DateField(_("计划开始"))
    deadline = models.DateField(_("完成期限"))
    lead_unit = models.ForeignKey("units.Unit", verbose_name=_("牵头单位"),
                                  on_delete=models.PROTECT, related_name="plan_targets")
    lead_basis = models.CharField(_("牵头依据条款"), max_length=60)
    # The 计划/二 task whose sentence holds the target (None for the 计划/一 bullets).
    task = models.ForeignKey("Task", verbose_name=_("所属任务"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="targets")
    indicator = models.CharField(_("计算指标"), max_length=80, blank=True)
    derived = models.BooleanField(_("由频次推算"), default=False)
    # 超过/大于 (targets.yaml `strict`): the target value itself is not enough.
    strict = models.BooleanField(_("须超过目标值"), default=False)
    order = models.PositiveSmallIntegerField(_("顺序"))

    class Meta:
        ordering = ["order"]
        verbose_name = _("目标")
        verbose_name_plural = _("目标")

    def __str__(self) -> str:
        return self.label

    @property
    def reported(self) -> bool:
        """Reported by its lead unit, not computed from records."""
        return not self.indicator

    @property
    def citation(self) -> str:
        return policytext.cite(self.clause)

    def target_text(self) -> str:
        """'≥ 300 亿元', '1—2 家', '≥ 80 %'."""
        low = plain(self.value)
        if self.kind == self.Kind.RANGE and self.high is not None:
            return f"{low}—{plain(self.high)} {self.unit}"
        sign = "≤" if self.kind == self.Kind.AT_MOST else (">" if self.strict else "≥")
        return f"{sign} {low} {self.unit}"


def plain(value: Decimal) -> str:
    """A Decimal without trailing zeros or exponent: 300.0000 -> '300' (normalize alone
    would give '3E+2')."""
    return format(value.normalize(), "f")


class Task(models.Model):
    class Section(models.TextChoices):
        TASK = "task", _("主要任务")
        SAFEGUARD = "safeguard", _("保障措施")

    clause = models.CharField(_("条款"), max_length=60, unique=True)
    section = models.CharField(_("部分"), max_length=10, choices=Section.choices)
    heading = models.CharField(_("标题"), max_length=200)
    lead_units = models.ManyToManyField("units.Unit", verbose_name=_("牵头单位"),
                                        related_name="plan_tasks_led", blank=True)
    responsible_units = models.ManyToManyField("units.Unit", verbose_name=_("责任单位"),
                                               related_name="plan_tasks_responsible",
                                               blank=True)
    order = models.PositiveSmallIntegerField(_("顺序"))

    class Meta:
        ordering = ["order"]
        verbose_name = _("任务")
        verbose_name_plural = _("任务")

    def __str__(self) -> str:
        return f"{policytext.cite(self.clause)} {self.heading}"

    @property
    def citation(self) -> str:
        return policytext.cite(self.clause)


def evidence_path(instance: Report, filename: str) -> str:
    return f"plan/evidence/{instance.target.code}/{instance.as_of:%Y%m%d}-{filename}"


class ReportQuerySet(models.QuerySet["Report"]):
    def latest_first(self) -> ReportQuerySet:
        return self.order_by("-as_of", "-created_at", "-id")


class Report(AppendOnlyModel):
    """One value of one target as a unit reported it, with its evidence. Append-only: a wrong
    value is corrected by a newer report, never edited."""

    target = models.ForeignKey(Target, verbose_name=_("目标"), on_delete=models.PROTECT,
                               related_name="reports")
    unit = models.ForeignKey("units.Unit", verbose_name=_("报送单位"),
                             on_delete=models.PROTECT, related_name="plan_reports")
    value = models.DecimalField(_("报送值"), max_digits=20, decimal_places=4,
                                validators=[MinValueValidator(0)])
    as_of = models.DateField(_("截至日期"))
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("报送人"),
                                 on_delete=models.PROTECT, related_name="plan_reports")
    evidence = models.FileField(_("佐证材料"), upload_to=evidence_path, max_length=300)
    note = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("报送时间"), auto_now_add=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-as_of", "-created_at", "-id"]
        verbose_name = _("报送")
        verbose_name_plural = _("报送")
        # Serves "latest report of a target as of a date" (progress) and the due-report check.
        indexes = [models.Index(fields=["target", "as_of"], name="plan_report_target_asof")]
        constraints = [models.CheckConstraint(condition=models.Q(value__gte=0),
                                              name="plan_report_value_not_negative")]

    def __str__(self) -> str:
        return f"{self.target} {self.as_of}: {self.value}"



class FigureRollup(models.Model):
    """The in-scope enterprises' yearly figures summed per group (plan/rollup.py): a figure's
    year, the next year its enterprise reported (None: none yet), the day the enterprise
    entered the registry, its revenue tier, district and park. Derived, never edited: the
    registry's tables are the record; rollup.refresh() rebuilds these rows from them."""

    year = models.PositiveSmallIntegerField()
    next_year = models.PositiveSmallIntegerField(null=True)
    entered_on = models.DateField()  # the enterprise's created_at, in the site's time zone
    tier = models.PositiveSmallIntegerField()  # 0, 1 (≥ revenue_over_1bn), 2 (≥ …_5bn)
    district = models.CharField(max_length=50, blank=True)
    park_pk = models.IntegerField(null=True)  # units.Unit; no key: the rollup is rebuilt
    revenue = models.DecimalField(max_digits=24, decimal_places=2)  # yuan
    figures = models.PositiveIntegerField()


class OrganisationRollup(models.Model):
    """The in-scope organisations counted per kind, entry day, flags, district and park
    (plan/rollup.py), rebuilt with FigureRollup."""

    kind = models.CharField(max_length=20)
    entered_on = models.DateField()
    above_designated_size = models.BooleanField()
    high_tech = models.BooleanField()
    district = models.CharField(max_length=50, blank=True)
    park_pk = models.IntegerField(null=True)
    organisations = models.PositiveIntegerField()


class RollupState(models.Model):
    """One row: whether the rollups are behind the registry. Database triggers on the
    registry's organisation and yearly-figure tables (migration 0004) set `dirty` in the
    writing transaction, whatever writes (a form, an import's bulk insert, raw SQL)."""

    dirty = models.BooleanField(default=True)
    tiers = models.CharField(max_length=100, blank=True)  # the tier limits it was built with
    refreshed_at = models.DateTimeField(null=True)
