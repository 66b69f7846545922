"""测试认证中心 (计划/二/(三)/5): evaluation orders (测评委托) — the product, the standard it
was evaluated against, the result and the certificate. 累计完成150次以上测评服务 counts the
orders completed."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class ProductType(models.TextChoices):
    """The three kinds of products 计划/二/(三)/5#1 names, and the services of #3."""

    SECURITY = "security", _("网络安全产品")
    CRYPTO = "crypto", _("密码保密信息产品")
    ICS = "ics", _("工控安全产品")
    SERVICE = "service", _("风险评估/安全测评服务")


class Service(models.TextChoices):
    EVALUATION = "evaluation", _("测评")
    CERTIFICATION = "certification", _("认证")
    REVIEW = "review", _("安全审查")
    RISK_ASSESSMENT = "risk_assessment", _("风险评估")


class Result(models.TextChoices):
    PENDING = "pending", _("进行中")
    PASSED = "passed", _("通过")
    FAILED = "failed", _("未通过")


class EvaluationOrder(models.Model):
    number = models.CharField(_("委托编号"), max_length=50, unique=True)
    client = models.CharField(_("委托单位"), max_length=200)
    organisation = models.ForeignKey("registry.Organisation", verbose_name=_("登记主体"),
                                     null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="evaluation_orders")
    product = models.CharField(_("产品/系统名称"), max_length=200)
    product_type = models.CharField(_("产品类型"), max_length=20, choices=ProductType.choices)
    service = models.CharField(_("服务类型"), max_length=20, choices=Service.choices)
    standard = models.CharField(_("依据标准"), max_length=200,
                                help_text=_("如 GB/T 22239-2019、GB/T 18336"))
    ordered_on = models.DateField(_("委托日期"))
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)
    result = models.CharField(_("结果"), max_length=10, choices=Result.choices,
                              default=Result.PENDING)
    certificate = models.CharField(_("报告/证书编号"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        ordering = ["-ordered_on", "id"]
        verbose_name = _("测评委托")
        verbose_name_plural = _("测评委托")

    def __str__(self) -> str:
        return f"{self.number} {self.product}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        finished = self.result != Result.PENDING
        if finished and self.completed_on is None:
            errors["completed_on"] = "已出结果的委托须填写完成日期"
        if not finished and self.completed_on is not None:
            errors["result"] = "已完成的委托须填写结果（通过/未通过）"
        if self.completed_on and self.ordered_on and self.completed_on < self.ordered_on:
            errors["completed_on"] = "完成日期不能早于委托日期"
        if errors:
            raise ValidationError(errors)
