"""网络安全运营及应急响应中心 (计划/二/(三)/4): incidents, the departments notified, and
drills and range exercises (实战演练/靶场演习) with their participants.

Incidents are classified by GB/T 20986-2023《信息安全技术 网络安全事件分类分级指南》: ten
categories and four levels (特别重大/重大/较大/一般, Ⅰ–Ⅳ级 — the same four levels as
GB/Z 20986-2007 and the 国家网络安全事件应急预案). The response timeline is derived from the
incident's timestamps and its notifications, never stored twice.
"""

from __future__ import annotations

import datetime as dt
import itertools

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    """GB/T 20986-2023, 网络安全事件分类: the ten categories."""

    MALWARE = "malware", _("恶意程序事件")
    ATTACK = "attack", _("网络攻击事件")
    DATA = "data", _("数据安全事件")
    CONTENT = "content", _("信息内容安全事件")
    EQUIPMENT = "equipment", _("设备设施故障事件")
    VIOLATION = "violation", _("违规操作事件")
    VULNERABILITY = "vulnerability", _("安全隐患事件")
    ANOMALY = "anomaly", _("异常行为事件")
    FORCE_MAJEURE = "force_majeure", _("不可抗力事件")
    OTHER = "other", _("其他事件")


class Level(models.TextChoices):
    """GB/T 20986-2023, 网络安全事件分级: four levels."""

    I = "I", _("特别重大事件（Ⅰ级）")  # noqa: E741 — the standard's own numeral
    II = "II", _("重大事件（Ⅱ级）")
    III = "III", _("较大事件（Ⅲ级）")
    IV = "IV", _("一般事件（Ⅳ级）")


# The incident's own moments, in the order they must happen.
MOMENTS = (("occurred_at", "发生"), ("detected_at", "发现"), ("reported_at", "接报"),
           ("responded_at", "响应处置"), ("closed_at", "处置完毕"))


class Incident(models.Model):
    number = models.CharField(_("事件编号"), max_length=50, unique=True)
    title = models.CharField(_("事件名称"), max_length=200)
    category = models.CharField(_("事件类别（GB/T 20986-2023）"), max_length=20,
                                choices=Category.choices)
    level = models.CharField(_("事件级别"), max_length=3, choices=Level.choices)
    affected = models.CharField(_("受影响单位/系统"), max_length=200, blank=True)
    occurred_at = models.DateTimeField(_("发生时间"), null=True, blank=True)
    detected_at = models.DateTimeField(_("发现时间"), null=True, blank=True)
    reported_at = models.DateTimeField(_("接报时间"))
    responded_at = models.DateTimeField(_("响应时间"), null=True, blank=True,
                                        help_text=_("中心开始处置的时间"))
    closed_at = models.DateTimeField(_("处置完毕时间"), null=True, blank=True)
    summary = models.TextField(_("处置情况"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        ordering = ["-reported_at", "id"]
        verbose_name = _("网络安全事件")
        verbose_name_plural = _("网络安全事件")
        constraints = [
            models.CheckConstraint(condition=models.Q(closed_at__isnull=True)
                                   | models.Q(responded_at__isnull=False),
                                   name="closed_incident_was_responded_to"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def clean(self) -> None:
        known = [(name, label, getattr(self, name)) for name, label in MOMENTS
                 if getattr(self, name) is not None]
        for (_n, earlier, a), (name, later, b) in itertools.pairwise(known):
            if b < a:
                raise ValidationError({name: f"{later}时间不能早于{earlier}时间"})
        if self.closed_at is not None and self.responded_at is None:
            raise ValidationError({"responded_at": "已处置完毕的事件须填写响应时间"})

    @property
    def time_to_respond(self) -> dt.timedelta | None:
        """From the report (接报) to the start of the response."""
        if self.responded_at is None:
            return None
        return self.responded_at - self.reported_at

    @property
    def time_to_close(self) -> dt.timedelta | None:
        """From the report (接报) to the end of the response."""
        if self.closed_at is None:
            return None
        return self.closed_at - self.reported_at

    def timeline(self) -> list[tuple[dt.datetime, str]]:
        """The incident's moments and each department's notification, in time order."""
        out = [(getattr(self, name), f"事件{label}") for name, label in MOMENTS
               if getattr(self, name) is not None]
        for n in self.notifications.select_related("unit"):
            out.append((n.notified_at, f"通报{n.unit.name}"))
            if n.acknowledged_at is not None:
                out.append((n.acknowledged_at, f"{n.unit.name}确认收到"))
        return sorted(out, key=lambda item: item[0])


class Notification(models.Model):
    """One department told of an incident (跨部门联动响应, 计划/二/(三)/4#3)."""

    incident = models.ForeignKey(Incident, verbose_name=_("事件"), on_delete=models.CASCADE,
                                 related_name="notifications")
    unit = models.ForeignKey("units.Unit", verbose_name=_("通报单位"), on_delete=models.PROTECT,
                             related_name="+")
    notified_at = models.DateTimeField(_("通报时间"))
    acknowledged_at = models.DateTimeField(_("确认收到时间"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["notified_at", "id"]
        verbose_name = _("事件通报")
        verbose_name_plural = _("事件通报")
        constraints = [models.UniqueConstraint(fields=["incident", "unit"],
                                               name="one_notification_per_unit")]

    def __str__(self) -> str:
        return f"{self.incident.number} → {self.unit.name}"

    def clean(self) -> None:
        if self.acknowledged_at and self.notified_at and self.acknowledged_at < self.notified_at:
            raise ValidationError({"acknowledged_at": "确认收到时间不能早于通报时间"})


class DrillKind(models.TextChoices):
    DRILL = "drill", _("应急演练")
    RANGE = "range", _("靶场演习")
    ATTACK_DEFENCE = "attack_defence", _("攻防实战演练")


class Drill(models.Model):
    name = models.CharField(_("演练名称"), max_length=200)
    kind = models.CharField(_("演练类型"), max_length=20, choices=DrillKind.choices)
    held_on = models.DateField(_("举办日期"))
    organiser = models.ForeignKey("units.Unit", verbose_name=_("组织单位"), null=True,
                                  blank=True, on_delete=models.PROTECT, related_name="+")
    scenario = models.CharField(_("演练场景"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-held_on", "id"]
        verbose_name = _("演练演习")
        verbose_name_plural = _("演练演习")

    def __str__(self) -> str:
        return f"{self.name}（{self.held_on}）"

    @property
    def participants_total(self) -> int:
        return sum(p.people for p in self.participants.all())


class DrillParticipant(models.Model):
    drill = models.ForeignKey(Drill, verbose_name=_("演练"), on_delete=models.CASCADE,
                              related_name="participants")
    name = models.CharField(_("参演单位"), max_length=200)
    role = models.CharField(_("角色"), max_length=50, blank=True, help_text=_("如 攻击方、防守方"))
    people = models.PositiveIntegerField(_("参演人数"), validators=[MinValueValidator(1)])
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["drill", "id"]
        verbose_name = _("参演单位")
        verbose_name_plural = _("参演单位")
        constraints = [models.UniqueConstraint(fields=["drill", "name"],
                                               name="one_row_per_participant")]

    def __str__(self) -> str:
        return f"{self.drill.name} · {self.name}"
