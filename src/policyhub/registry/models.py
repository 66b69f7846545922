"""The registry (主体登记): who the applicants are. Extended by the registry issue work.

An organisation's facts (scope flags, yearly figures, events) are what the engine decides on;
the unified social credit code is checked with the engine's own GB 32100-2015 check.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from policyhub.engine import creditcode


def validate_credit_code(value: str) -> None:
    why = creditcode.problem(value)
    if why:
        raise ValidationError(_("统一社会信用代码无效：%(why)s"), params={"why": why},
                              code="credit_code")


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
