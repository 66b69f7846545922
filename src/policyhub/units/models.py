"""Units (单位): the departments, park committees and district governments named in the text.

They are records of their own, shared by the application workflow (which department reviews
a clause), the ledger's reports and the action-plan monitor (lead and responsible units).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Unit(models.Model):
    class Kind(models.TextChoices):
        PARTY = "party", _("市委部门")
        GOVERNMENT = "government", _("市政府部门")
        PARK = "park", _("园区管委会")
        DISTRICT = "district", _("区县（市）人民政府")
        OTHER = "other", _("其他")

    code = models.SlugField(unique=True, help_text="stable ASCII code, e.g. miit, finance")
    name = models.CharField(_("名称"), max_length=100, unique=True)
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    # A park committee or district's own code as used in the registry (园区/区县).
    region = models.CharField(_("所在区县"), max_length=50, blank=True)

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = _("单位")
        verbose_name_plural = _("单位")

    def __str__(self) -> str:
        return self.name
