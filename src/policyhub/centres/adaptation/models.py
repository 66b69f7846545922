"""适配中心 (计划/二/(三)/3): adaptation tests of products on the "PK" platform (飞腾 CPU and
麒麟 OS). The passing ones are the catalogue of the PK 软硬件实施清单 (计划/二/(四)/2#3),
public and searchable; the networked demo environment (联网演示能力, more than 100 machines)
is recorded as dated counts.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Cpu(models.TextChoices):
    """Phytium (飞腾) processors offered for adaptation; older and newer models both occur."""

    FT1500A_4 = "FT-1500A/4", "飞腾 FT-1500A/4"
    FT1500A_16 = "FT-1500A/16", "飞腾 FT-1500A/16"
    FT2000A_2 = "FT-2000A/2", "飞腾 FT-2000A/2"
    FT2000_4 = "FT-2000/4", "飞腾 FT-2000/4"
    FT2000PLUS_64 = "FT-2000+/64", "飞腾 FT-2000+/64"
    D2000 = "D2000", "飞腾腾锐 D2000"
    S2500 = "S2500", "飞腾腾云 S2500"
    E2000 = "E2000", "飞腾腾珑 E2000"
    S5000C = "S5000C", "飞腾腾云 S5000C"


class KylinOS(models.TextChoices):
    """Kylin (麒麟) operating systems; the build or service pack goes in `os_build`."""

    V10_DESKTOP = "kylin-v10-desktop", "银河麒麟桌面操作系统 V10"
    V10_SERVER = "kylin-v10-server", "银河麒麟高级服务器操作系统 V10"
    V4_DESKTOP = "kylin-v4-desktop", "银河麒麟桌面操作系统 V4"
    NEOKYLIN_V7_DESKTOP = "neokylin-v7-desktop", "中标麒麟桌面操作系统 V7"
    NEOKYLIN_V7_SERVER = "neokylin-v7-server", "中标麒麟高级服务器操作系统 V7"


class Category(models.TextChoices):
    COMPUTER = "computer", _("整机/服务器")
    PERIPHERAL = "peripheral", _("外设")
    BASE_SOFTWARE = "base_software", _("基础软件（数据库、中间件等）")
    APPLICATION = "application", _("应用软件")
    SECURITY = "security", _("安全软件/产品")


# The categories counted as software (配套应用软件, 计划/二/(三)/2#5).
SOFTWARE = (Category.BASE_SOFTWARE, Category.APPLICATION, Category.SECURITY)


class Result(models.TextChoices):
    PASSED = "passed", _("通过")
    FAILED = "failed", _("未通过")


class AdaptationQuerySet(models.QuerySet["Adaptation"]):
    def passed(self) -> AdaptationQuerySet:
        return self.filter(result=Result.PASSED)

    def catalogue(self) -> AdaptationQuerySet:
        """The 实施清单: every passing adaptation, newest first."""
        return self.passed().order_by("-tested_on", "product", "id")


class Adaptation(models.Model):
    product = models.CharField(_("产品名称"), max_length=200)
    vendor = models.CharField(_("厂商"), max_length=200)
    version = models.CharField(_("产品版本"), max_length=50)
    category = models.CharField(_("产品类别"), max_length=20, choices=Category.choices)
    cpu = models.CharField(_("CPU（飞腾型号）"), max_length=20, choices=Cpu.choices)
    os = models.CharField(_("操作系统（麒麟版本）"), max_length=30, choices=KylinOS.choices)
    os_build = models.CharField(_("操作系统版本号"), max_length=50, blank=True,
                                help_text=_("如 SP1、2203"))
    result = models.CharField(_("测试结果"), max_length=10, choices=Result.choices)
    certificate = models.CharField(_("适配证书编号"), max_length=100, blank=True)
    tested_on = models.DateField(_("适配日期"))
    organisation = models.ForeignKey("registry.Organisation", verbose_name=_("登记主体"),
                                     null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="adaptations")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = AdaptationQuerySet.as_manager()

    class Meta:
        ordering = ["-tested_on", "id"]
        verbose_name = _("适配记录")
        verbose_name_plural = _("适配记录")
        constraints = [
            models.UniqueConstraint(fields=["product", "vendor", "version", "cpu", "os"],
                                    name="one_adaptation_per_platform"),
        ]
        # The leaders' dashboard reads the tests per day, the passing ones and the software
        # pairs up to a date (plan.dashboard.adaptation_series, the pk_adaptations and
        # software_packages indicators): with every column they read in the index, SQLite
        # answers all three from it alone, in date order, without sorting (7 → 3 ms for
        # the per-day series at the demo ×100).
        indexes = [models.Index(fields=["tested_on", "result", "category", "vendor", "product"],
                                name="adaptation_by_day")]

    def __str__(self) -> str:
        return f"{self.product} {self.version}（{self.cpu} / {self.get_os_display()}）"

    def clean(self) -> None:
        if self.result == Result.PASSED and not self.certificate:
            raise ValidationError({"certificate": _("通过适配的产品须填写适配证书编号")})

    @property
    def is_software(self) -> bool:
        return self.category in SOFTWARE


class DemoNetwork(models.Model):
    """The networked demo environment's size on a day (计划/二/(三)/3#1: 大于100台整机)."""

    recorded_on = models.DateField(_("统计日期"), unique=True)
    machines = models.PositiveIntegerField(_("联网演示整机数（台）"),
                                           validators=[MinValueValidator(0)])
    note = models.CharField(_("说明"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-recorded_on"]
        verbose_name = _("联网演示环境")
        verbose_name_plural = _("联网演示环境")

    def __str__(self) -> str:
        return f"{self.recorded_on} {self.machines}台"
