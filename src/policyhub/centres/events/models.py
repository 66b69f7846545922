"""一会一赛 (计划/二/(五)): the yearly industry summit (峰会, led by 市工业和信息化局) and the
biennial "长城杯" innovation and entrepreneurship competition (led by 市科技局), with its
entries (参赛队伍) and prizes. A prize is also a registry event (`competition_prize`) of the
winning organisation or team, which the engine rewards under 政策/二/(十); events.services
records both in one transaction.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from policyhub.registry.models import Organisation, Team


class SummitEdition(models.Model):
    number = models.PositiveSmallIntegerField(_("届次"), unique=True,
                                              validators=[MinValueValidator(1)])
    title = models.CharField(_("名称"), max_length=200)
    held_on = models.DateField(_("举办日期"))
    city = models.CharField(_("举办地"), max_length=50, default="长沙")
    theme = models.CharField(_("主题"), max_length=200, blank=True)
    attendees = models.PositiveIntegerField(_("参会人数"), null=True, blank=True)
    organiser = models.ForeignKey("units.Unit", verbose_name=_("牵头单位"), null=True,
                                  blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-held_on"]
        verbose_name = _("网络安全产业峰会")
        verbose_name_plural = _("网络安全产业峰会")

    def __str__(self) -> str:
        return f"第{self.number}届 {self.title}"


class CompetitionEdition(models.Model):
    number = models.PositiveSmallIntegerField(_("届次"), unique=True,
                                              validators=[MinValueValidator(1)])
    title = models.CharField(_("名称"), max_length=200,
                             default="“长城杯”网络安全创新创业大赛")
    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    final_on = models.DateField(_("决赛日期"))
    organiser = models.ForeignKey("units.Unit", verbose_name=_("牵头单位"), null=True,
                                  blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-year"]
        verbose_name = _("长城杯大赛")
        verbose_name_plural = _("长城杯大赛")

    def __str__(self) -> str:
        return f"{self.year}年第{self.number}届{self.title}"

    def clean(self) -> None:
        if self.final_on and self.year and self.final_on.year != self.year:
            raise ValidationError({"final_on": "决赛日期应在该届年度内"})


class Entry(models.Model):
    """A team entered in one edition; a prize needs it linked to the registry."""

    edition = models.ForeignKey(CompetitionEdition, verbose_name=_("届次"),
                                on_delete=models.PROTECT, related_name="entries")
    code = models.CharField(_("参赛编号"), max_length=50, unique=True)
    name = models.CharField(_("参赛队伍"), max_length=200)
    track = models.CharField(_("赛道"), max_length=100, blank=True)
    organisation = models.ForeignKey(Organisation, verbose_name=_("登记主体（企业）"),
                                     null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="competition_entries")
    team = models.ForeignKey(Team, verbose_name=_("登记团队"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="competition_entries")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["edition", "code"]
        verbose_name = _("参赛队伍")
        verbose_name_plural = _("参赛队伍")
        constraints = [
            models.CheckConstraint(condition=models.Q(organisation__isnull=True)
                                   | models.Q(team__isnull=True),
                                   name="entry_is_organisation_or_team"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        if self.organisation_id is not None and self.team_id is not None:
            raise ValidationError("登记主体与登记团队只填一项：获奖的是企业或团队之一")

    @property
    def winner(self) -> Organisation | Team | None:
        """The registry applicant a prize is paid to (政策/二/(十): 团队及企业)."""
        return self.organisation or self.team


class Rank(models.IntegerChoices):
    FIRST = 1, _("一等奖")
    SECOND = 2, _("二等奖")
    THIRD = 3, _("三等奖")


class Prize(models.Model):
    entry = models.OneToOneField(Entry, verbose_name=_("参赛队伍"), on_delete=models.PROTECT,
                                 related_name="prize")
    rank = models.PositiveSmallIntegerField(_("奖项"), choices=Rank.choices)
    settles_in_changsha = models.BooleanField(_("来长落户"), default=False)
    awarded_on = models.DateField(_("获奖日期"))
    registry_event = models.OneToOneField("registry.RegistryEvent", verbose_name=_("政策事件"),
                                          null=True, blank=True, editable=False,
                                          on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["entry__edition", "rank", "id"]
        verbose_name = _("大赛获奖")
        verbose_name_plural = _("大赛获奖")

    def __str__(self) -> str:
        return f"{self.entry.name} {self.get_rank_display()}"

    def clean(self) -> None:
        if self.entry_id is not None and self.entry.winner is None:
            raise ValidationError({"entry": "获奖队伍须关联登记主体或登记团队，奖励才能兑现"})

    @property
    def matter(self) -> str:
        """The registry event's 事项编号: one prize, one matter."""
        return f"长城杯{self.entry.edition.year}/{self.entry.code}"
