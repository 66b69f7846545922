"""The audit trail (审计日志): append-only rows, each chained to the previous by a hash.

Every state change, amount and permission refusal is recorded through `audit.services.record`.
Rows are never updated or deleted (the ORM and database triggers refuse it, see
policyhub.appendonly); `policyhub audit verify` recomputes the keyed chain and checks it against
the anchors written outside the database, so an edit, a deletion or a cut tail made behind the
application's back (in the database directly) is detected.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from policyhub.appendonly import AppendOnlyError, AppendOnlyModel, AppendOnlyQuerySet

__all__ = ["AppendOnlyError", "AuditEntry", "AuditHead"]


class AuditEntry(AppendOnlyModel):
    seq = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=80, blank=True)
    # For permission checks: whether it was allowed, and the reason shown to the user.
    allowed = models.BooleanField(null=True)
    reason = models.TextField(blank=True)
    payload = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AppendOnlyQuerySet["AuditEntry"].as_manager()

    class Meta:
        ordering = ["seq"]
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        indexes = [models.Index(fields=["object_type", "object_id"])]  # an object's history


class AuditHead(models.Model):
    """One row holding the chain's last seq and hash; locked to serialise appends."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)
    # The id (services.key_id) of the key the last entry was hashed with; blank before the first.
    key_id = models.CharField(max_length=16, blank=True, default="")
