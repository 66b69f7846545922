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


class TerminalReplacement(models.Model):
    unit = models.ForeignKey("units.Unit", verbose_name=_("单位"), on_delete=models.PROTECT,
                             related_name="+")
    as_of = models.DateField(_("统计日期"))
    terminals = models.PositiveIntegerField(_("党政办公终端总数（台）"),
                                            validators=[MinValueValidator(1)])
    replaced = models.PositiveIntegerField(_("已更新终端数（台）"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-as_of", "unit"]
        verbose_name = _("办公终端更新")
        verbose_name_plural = _("办公终端更新")
        constraints = [
            models.UniqueConstraint(fields=["unit", "as_of"], name="one_terminal_report_a_day"),
            models.CheckConstraint(condition=models.Q(replaced__lte=models.F("terminals")),
                                   name="replaced_within_terminals"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.as_of} {self.replaced}/{self.terminals}"

    def clean(self) -> None:
        if self.replaced is not None and self.terminals is not None \
                and self.replaced > self.terminals:
            raise ValidationError({"replaced": "已更新终端数不能多于终端总数"})

    @property
    def share(self) -> Decimal:
        return share(self.replaced, self.terminals)


class AppMigration(models.Model):
    unit = models.ForeignKey("units.Unit", verbose_name=_("单位"), on_delete=models.PROTECT,
                             related_name="+")
    as_of = models.DateField(_("统计日期"))
    apps = models.PositiveIntegerField(_("主要党政办公应用系统数"),
                                       validators=[MinValueValidator(1)])
    migrated = models.PositiveIntegerField(_("已完成迁移数"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-as_of", "unit"]
        verbose_name = _("应用系统迁移")
        verbose_name_plural = _("应用系统迁移")
        constraints = [
            models.UniqueConstraint(fields=["unit", "as_of"], name="one_migration_report_a_day"),
            models.CheckConstraint(condition=models.Q(migrated__lte=models.F("apps")),
                                   name="migrated_within_apps"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.as_of} {self.migrated}/{self.apps}"

    def clean(self) -> None:
        if self.migrated is not None and self.apps is not None and self.migrated > self.apps:
            raise ValidationError({"migrated": "已迁移数不能多于应用系统数"})

    @property
    def share(self) -> Decimal:
        return share(self.migrated, self.apps)
