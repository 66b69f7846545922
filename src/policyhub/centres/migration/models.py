"""终端更新与应用系统迁移 (计划/二/(四)/1 and 2), reported by each unit as dated counts:
how many office terminals it has and how many are replaced by PK terminals; how many main
office application systems it runs and how many are migrated. A later report supersedes an
earlier one; the city-wide share sums each unit's latest report."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from policyhub.centres.common import share


class UnitCountReport(models.Model):
    """A unit's dated count of how many of its things (`whole`) are done (`part`); the two
    reports below differ only in what they count."""

    PART: str  # the field names of the done count and of the total
    WHOLE: str
    TOO_MANY: str  # the error when part > whole

    unit = models.ForeignKey("units.Unit", verbose_name=_("单位"), on_delete=models.PROTECT,
                             related_name="+")
    as_of = models.DateField(_("统计日期"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True
        ordering = ["-as_of", "unit"]

    @property
    def part(self) -> int:
        value: int = getattr(self, self.PART)
        return value

    @property
    def whole(self) -> int:
        value: int = getattr(self, self.WHOLE)
        return value

    def __str__(self) -> str:
        return f"{self.unit} {self.as_of} {self.part}/{self.whole}"

    def clean(self) -> None:
        if self.part is not None and self.whole is not None and self.part > self.whole:
            raise ValidationError({self.PART: self.TOO_MANY})

    @property
    def share(self) -> Decimal:
        return share(self.part, self.whole)


def report_constraints(part: str, whole: str, *, one_a_day: str, within: str
                       ) -> list[models.BaseConstraint]:
    """A report's database constraints: one report per unit and day, and `part` <= `whole`
    (the database's side of UnitCountReport.clean)."""
    return [
        models.UniqueConstraint(fields=["unit", "as_of"], name=one_a_day),
        models.CheckConstraint(condition=models.Q(**{f"{part}__lte": models.F(whole)}),
                               name=within),
    ]


class TerminalReplacement(UnitCountReport):
    PART, WHOLE, TOO_MANY = "replaced", "terminals", "已更新终端数不能多于终端总数"

    terminals = models.PositiveIntegerField(_("党政办公终端总数（台）"),
                                            validators=[MinValueValidator(1)])
    replaced = models.PositiveIntegerField(_("已更新终端数（台）"))

    class Meta(UnitCountReport.Meta):
        verbose_name = _("办公终端更新")
        verbose_name_plural = _("办公终端更新")
        constraints = report_constraints("replaced", "terminals",
                                         one_a_day="one_terminal_report_a_day",
                                         within="replaced_within_terminals")


class AppMigration(UnitCountReport):
    PART, WHOLE, TOO_MANY = "migrated", "apps", "已迁移数不能多于应用系统数"

    apps = models.PositiveIntegerField(_("主要党政办公应用系统数"),
                                       validators=[MinValueValidator(1)])
    migrated = models.PositiveIntegerField(_("已完成迁移数"))

    class Meta(UnitCountReport.Meta):
        verbose_name = _("应用系统迁移")
        verbose_name_plural = _("应用系统迁移")
        constraints = report_constraints("migrated", "apps",
                                         one_a_day="one_migration_report_a_day",
                                         within="migrated_within_apps")
