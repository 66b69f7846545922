"""The registry (主体登记): who the applicants are and the facts the policies reward.

An organisation's facts (scope flags, yearly figures, events) are what the engine decides on;
the unified social credit code is checked with the engine's own GB 32100-2015 check. Events are
stored in the engine's own vocabulary (policyhub.engine.request.EVENT_FIELDS), so turning the
registry into a `policyhub.evaluate/1` request (registry.facts) is a copy, not a translation.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from policyhub.engine import creditcode
from policyhub.engine.request import EVENT_TYPES

MONEY_DIGITS = 20  # up to 10^18 yuan, the engine's own bound, with two decimals
MONEY = {"max_digits": MONEY_DIGITS, "decimal_places": 2, "validators": [MinValueValidator(0)]}

# annual_revenue comes from YearlyFigure; every other engine event type is a RegistryEvent.
REGISTRY_EVENT_TYPES: tuple[str, ...] = tuple(t for t in EVENT_TYPES if t != "annual_revenue")
EVENT_TYPE_LABELS: dict[str, str] = {
    "leading_firm_investment": "龙头企业投资",
    "talent_recognition": "人才认定",
    "urgent_talent": "紧缺急需人才",
    "civil_military_researcher": "军民融合科研人员",
    "civil_military_team_project": "军民融合团队项目",
    "standard_led": "主导制定标准",
    "project_investment": "项目投资",
    "ipo_stage": "上市阶段",
    "platform_construction": "平台建设",
    "platform_service_fees": "平台服务费",
    "pk_demo_project": "PK体系示范项目",
    "competition_prize": "竞赛获奖",
    "discretionary": "评选/一事一议事项",
}
EVENT_TYPE_CHOICES = [(t, f"{EVENT_TYPE_LABELS[t]} {t}") for t in REGISTRY_EVENT_TYPES]
# The engine calls the event's day `operation_start` for service fees and `date` elsewhere;
# RegistryEvent.date holds it either way so events can be ordered and filtered by day.
DATE_FIELD: dict[str, str] = {t: "date" for t in REGISTRY_EVENT_TYPES}
DATE_FIELD["platform_service_fees"] = "operation_start"


def validate_credit_code(value: str) -> None:
    why = creditcode.problem(value)
    if why:
        raise ValidationError(_("统一社会信用代码无效：%(why)s"), params={"why": why},
                              code="credit_code")


def mask_id_number(raw: str) -> str:
    """Keep the first 4 and last 4 characters of an ID number: enough to tell people apart
    on screen, not enough to be a personal identifier the registry has to protect."""
    raw = raw.strip().upper()
    if len(raw) <= 8:
        return "*" * len(raw)
    return raw[:4] + "*" * (len(raw) - 8) + raw[-4:]


class Organisation(models.Model):
    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("企业")
        INSTITUTE = "institute", _("科研院所/研发机构")
        PLATFORM_OPERATOR = "platform_operator", _("公共服务平台")
        PARK = "park", _("园区")

    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True,
                                   validators=[validate_credit_code])
    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("主体类别"), max_length=20, choices=Kind.choices)
    district = models.CharField(_("所在区县（市）"), max_length=50, blank=True)
    park = models.ForeignKey("units.Unit", verbose_name=_("所在园区"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="organisations",
                             limit_choices_to={"kind": "park"})
    registered_in_changsha = models.BooleanField(_("在长沙市注册"), default=True)
    taxed_in_changsha = models.BooleanField(_("在长沙市纳税"), default=True)
    cybersecurity_business = models.BooleanField(_("从事网络安全业务"), default=True)
    high_tech = models.BooleanField(_("高新技术企业"), default=False)
    above_designated_size = models.BooleanField(_("规模以上企业"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("主体")
        verbose_name_plural = _("主体")

    def __str__(self) -> str:
        return f"{self.name}（{self.credit_code}）"

    @property
    def in_scope(self) -> bool:
        """《若干政策》一: registered and taxed in Changsha, in the cybersecurity business."""
        return (self.registered_in_changsha and self.taxed_in_changsha
                and self.cybersecurity_business)


class Person(models.Model):
    """A talent (人才) of 二(五)/(十); applies in person, optionally through an employer."""

    name = models.CharField(_("姓名"), max_length=100)
    # Only the masked form is stored (mask_id_number): the registry never needs the full one.
    id_number_masked = models.CharField(_("证件号码（脱敏）"), max_length=32, blank=True)
    organisation = models.ForeignKey(Organisation, verbose_name=_("所在单位"), null=True,
                                     blank=True, on_delete=models.SET_NULL,
                                     related_name="people")
    # The contract reads registered/taxed_in_changsha as "works / is based in Changsha".
    works_in_changsha = models.BooleanField(_("在长沙工作"), default=True)
    based_in_changsha = models.BooleanField(_("常驻长沙"), default=True)
    cybersecurity_field = models.BooleanField(_("从事网络安全领域工作"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("人才")
        verbose_name_plural = _("人才")

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """A team (团队) of 二(五)/(十): civil-military research teams, competition winners."""

    name = models.CharField(_("团队名称"), max_length=200)
    leader = models.ForeignKey(Person, verbose_name=_("负责人"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="teams_led")
    members = models.ManyToManyField(Person, verbose_name=_("成员"), blank=True,
                                     related_name="teams")
    based_in_changsha = models.BooleanField(_("常驻长沙"), default=True)
    # 二(十) 来长落户: whether the team has settled in Changsha (a competition prize event
    # carries its own flag, since the engine judges each prize on its own).
    settles_in_changsha = models.BooleanField(_("来长落户"), default=False)
    cybersecurity_field = models.BooleanField(_("从事网络安全领域工作"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("团队")
        verbose_name_plural = _("团队")

    def __str__(self) -> str:
        return self.name

    @property
    def organisation(self) -> Organisation | None:
        """The organisation a team acts for: its leader's employer, if any."""
        return self.leader.organisation if self.leader is not None else None


class YearlyFigure(models.Model):
    """One organisation's accounts for one fiscal year, as the departments exchange them."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("主体"),
                                     on_delete=models.CASCADE, related_name="figures")
    year = models.PositiveSmallIntegerField(_("年度"))
    main_business_revenue = models.DecimalField(_("主营业务收入（元）"), **MONEY)  # type: ignore[arg-type]
    # Unknown is not zero: tax, R&D and headcount may be missing from a department's file.
    tax_paid = models.DecimalField(_("纳税额（元）"), null=True, blank=True, **MONEY)  # type: ignore[arg-type]
    rd_spend = models.DecimalField(_("研发投入（元）"), null=True, blank=True, **MONEY)  # type: ignore[arg-type]
    headcount = models.PositiveIntegerField(_("从业人数"), null=True, blank=True)
    source = models.ForeignKey("units.Unit", verbose_name=_("来源单位"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"),
                                    null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation", "year"]
        verbose_name = _("年度数据")
        verbose_name_plural = _("年度数据")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="one_figure_per_year"),
            models.CheckConstraint(condition=models.Q(main_business_revenue__gte=0),
                                   name="revenue_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation.name} {self.year}"


class RegistryEvent(models.Model):
    """A fact a policy rewards, in the engine's vocabulary (one event of the contract)."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("主体"), null=True,
                                     blank=True, on_delete=models.CASCADE,
                                     related_name="events")
    person = models.ForeignKey(Person, verbose_name=_("人才"), null=True, blank=True,
                               on_delete=models.CASCADE, related_name="events")
    team = models.ForeignKey(Team, verbose_name=_("团队"), null=True, blank=True,
                             on_delete=models.CASCADE, related_name="events")
    type = models.CharField(_("事件类型"), max_length=40, choices=EVENT_TYPE_CHOICES)
    date = models.DateField(_("日期"))
    matter = models.CharField(_("事项编号"), max_length=100, blank=True)
    # The type's other fields exactly as the engine reads them (money as plain decimal strings);
    # services.record_event runs the engine's parser on it, so no stored event can be refused.
    payload = models.JSONField(_("明细"), default=dict, blank=True)
    source = models.ForeignKey("units.Unit", verbose_name=_("来源单位"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"),
                                    null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("政策事件")
        verbose_name_plural = _("政策事件")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(organisation__isnull=False, person__isnull=True, team__isnull=True)
                    | models.Q(organisation__isnull=True, person__isnull=False,
                               team__isnull=True)
                    | models.Q(organisation__isnull=True, person__isnull=True,
                               team__isnull=False)),
                name="event_has_exactly_one_applicant"),
        ]
        # The plan's indicators count one type of event in a date range (listings, talents):
        # without it each reads every event (60,000 at the demo ×100).
        indexes = [models.Index(fields=["type", "date"], name="event_type_date")]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.date}"

    @property
    def applicant(self) -> Organisation | Person | Team:
        found = self.organisation or self.person or self.team
        if found is None:
            raise ValueError(f"event {self.pk} has no applicant")
        return found

    def to_engine(self) -> dict[str, Any]:
        """This event as one element of a policyhub.evaluate/1 request's `events`."""
        out: dict[str, Any] = {"type": self.type, **self.payload,
                               DATE_FIELD[self.type]: self.date.isoformat()}
        if self.matter:
            out["matter"] = self.matter
        return out

    def clean(self) -> None:
        # Imported here: validation needs the engine-backed service, which imports models.
        from policyhub.registry.validation import check_event

        check_event(self)


def evidence_path(instance: EvidenceFile, filename: str) -> str:
    """evidence/<first two hex of sha256>/<sha256>-<original name>: content-addressed, so two
    uploads of one file cannot overwrite each other's name and a file is found by its hash."""
    return f"evidence/{instance.sha256[:2]}/{instance.sha256}-{filename}"


class EvidenceFile(models.Model):
    """A supporting document (证明材料) of one event or one year's figures."""

    event = models.ForeignKey(RegistryEvent, verbose_name=_("政策事件"), null=True, blank=True,
                              on_delete=models.CASCADE, related_name="evidence")
    figure = models.ForeignKey(YearlyFigure, verbose_name=_("年度数据"), null=True, blank=True,
                               on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("文件"), upload_to=evidence_path, max_length=300)
    original_name = models.CharField(_("原文件名"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("大小（字节）"), default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"),
                                    null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("证明材料")
        verbose_name_plural = _("证明材料")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(event__isnull=False, figure__isnull=True)
                           | models.Q(event__isnull=True, figure__isnull=False)),
                name="evidence_of_exactly_one_record"),
        ]

    def __str__(self) -> str:
        return self.original_name

