"""An import run as a background job (imports.jobs): who started it, the file, its state and
its progress (rows read, validated, written), so its page can poll it and end in the result."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportJob(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("处理中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("未导入")

    class Phase(models.TextChoices):
        WAITING = "waiting", _("等待开始")
        READING = "reading", _("读取文件")
        VALIDATING = "validating", _("逐行校验")
        WRITING = "writing", _("写入登记库")
        FINISHED = "finished", _("结束")

    kind = models.CharField(_("导入类型"), max_length=60)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    file_name = models.CharField(_("文件名"), max_length=255)
    sha256 = models.CharField(_("文件 SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("文件大小（字节）"), default=0)
    # Where the upload waits for the job (settings.IMPORT_UPLOADS_DIR); deleted when it ends.
    stored_as = models.CharField(max_length=500, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices,
                             default=State.QUEUED)
    phase = models.CharField(_("阶段"), max_length=12, choices=Phase.choices,
                             default=Phase.WAITING)
    rows_read = models.PositiveIntegerField(_("已读取行数"), default=0)
    rows_validated = models.PositiveIntegerField(_("已校验行数"), default=0)
    rows_written = models.PositiveIntegerField(_("已写入行数"), default=0)
    batches_written = models.PositiveIntegerField(_("已写入批次"), default=0)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    bad_rows = models.PositiveIntegerField(_("有误行数"), default=0)
    created = models.PositiveIntegerField(_("新增"), default=0)
    updated = models.PositiveIntegerField(_("更新"), default=0)
    unchanged = models.PositiveIntegerField(_("已有未重复"), default=0)
    # A refusal's errors and rejected rows (registry.rejected), for paging and download.
    error_token = models.CharField(max_length=64, blank=True)
    message = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["started_by", "-created_at"])]

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def percent(self) -> int:
        """Reading and validating are the first half of the bar, writing the second."""
        if self.state == self.State.DONE:
            return 100
        if not self.rows_read:
            return 0
        half = self.rows_validated * 50 // self.rows_read
        return min(100, half + self.rows_written * 50 // self.rows_read)
