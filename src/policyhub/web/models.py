"""What the shared pages keep: the 免申即享 screening runs started from the web, with their
progress (a run goes on in the background; its page polls this row)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ScreeningJob(models.Model):
    class State(models.TextChoices):
        RUNNING = "running", _("筛查中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    run = models.CharField(_("筛查批次"), max_length=40, unique=True)
    as_of = models.DateField(_("筛查基准日"))
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices,
                             default=State.RUNNING)
    total = models.PositiveIntegerField(_("待筛查主体数"), default=0)
    done = models.PositiveIntegerField(_("已筛查主体数"), default=0)
    created = models.PositiveIntegerField(_("新生成建议数"), default=0)
    known = models.PositiveIntegerField(_("已申报或已建议"), default=0)
    problems = models.JSONField(_("登记数据有误的主体"), default=list)

    class Meta:
        verbose_name = _("免申即享筛查")
        verbose_name_plural = _("免申即享筛查")
        ordering = ["-started_at", "-pk"]

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, self.done * 100 // self.total)
