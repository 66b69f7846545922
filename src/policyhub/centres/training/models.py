"""培训服务: training sessions with their provider, topic and person-times (人次).

Three targets read them: 计划/二/(三)/3#2 开展100次以上培训服务 (the adaptation centre's
sessions) and 培训1000名以上具备产品部署能力的专业人才 (its trainees certified to deploy),
and 计划/一#2 累计培训专业人才50万人次 (every provider's person-times).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Topic(models.TextChoices):
    PK_DEPLOYMENT = "pk_deployment", _("PK体系产品部署与适配")
    SECURITY_OPERATIONS = "security_operations", _("安全运维与应急响应")
    ATTACK_DEFENCE = "attack_defence", _("攻防实训")
    CRYPTO = "crypto", _("商用密码")
    COMPLIANCE = "compliance", _("等级保护与合规")
    AWARENESS = "awareness", _("网络安全意识")
    OTHER = "other", _("其他")


class TrainingSession(models.Model):
    title = models.CharField(_("培训名称"), max_length=200)
    provider = models.CharField(_("培训机构"), max_length=200)
    organisation = models.ForeignKey("registry.Organisation", verbose_name=_("登记主体"),
                                     null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="training_sessions")
    topic = models.CharField(_("培训主题"), max_length=30, choices=Topic.choices)
    at_adaptation_centre = models.BooleanField(_("适配中心培训服务"), default=False)
    start_on = models.DateField(_("开始日期"))
    end_on = models.DateField(_("结束日期"))
    person_times = models.PositiveIntegerField(_("培训人次"), validators=[MinValueValidator(1)])
    deployers_certified = models.PositiveIntegerField(
        _("具备产品部署能力的结业人数"), default=0,
        help_text=_("考核合格、具备PK体系产品部署能力的学员人数"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        ordering = ["-start_on", "id"]
        verbose_name = _("培训场次")
        verbose_name_plural = _("培训场次")

    def __str__(self) -> str:
        return f"{self.title}（{self.start_on}）"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.start_on and self.end_on and self.end_on < self.start_on:
            errors["end_on"] = "结束日期不能早于开始日期"
        if self.person_times is not None and self.deployers_certified > self.person_times:
            errors["deployers_certified"] = "结业人数不能多于培训人次"
        if errors:
            raise ValidationError(errors)
