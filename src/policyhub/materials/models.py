"""申报材料: a file attached to an application. The file lives under MEDIA_ROOT (never served
as static or public media), named by its SHA-256; the row keeps who uploaded what, when."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Material(models.Model):
    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT,
                                    related_name="materials", verbose_name=_("申报"))
    kind = models.CharField(_("材料类别"), max_length=40)  # a key of materials.yaml or other
    filename = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    stored = models.CharField(_("存储路径"), max_length=300)  # relative to MEDIA_ROOT
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("申报材料")
        verbose_name_plural = _("申报材料")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.filename
