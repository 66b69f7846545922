"""Roles (角色) a user holds, each scoped to the unit or organisation it acts for."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    APPLICANT = "applicant", _("申报主体")
    PARK_OFFICER = "park_officer", _("园区管委会经办人")
    DEPARTMENT_REVIEWER = "department_reviewer", _("责任部门审核人")
    BUREAU_OFFICER = "bureau_officer", _("市工业和信息化局经办人")
    FINANCE_OFFICER = "finance_officer", _("市财政局经办人")
    AUDITOR = "auditor", _("审计（只读）")
    ADMINISTRATOR = "administrator", _("系统管理员")


class RoleAssignment(models.Model):
    """One role of one user. Applicants are scoped to an organisation; staff to a unit."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="roles")
    role = models.CharField(_("角色"), max_length=30, choices=Role.choices)
    unit = models.ForeignKey("units.Unit", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="staff")
    organisation = models.ForeignKey("registry.Organisation", null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="users")
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("角色分配")
        verbose_name_plural = _("角色分配")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "unit", "organisation"],
                                    name="unique_role_assignment"),
            # Applicants act for an organisation; staff roles (but auditor/admin) for a unit.
            models.CheckConstraint(
                condition=~models.Q(role="applicant") | models.Q(organisation__isnull=False),
                name="applicant_has_organisation"),
        ]

    def __str__(self) -> str:
        scope = self.organisation or self.unit or "全市"
        return f"{self.user} · {self.get_role_display()} · {scope}"
