"""计划/二/(五): the summit is led by 市工业和信息化局, the competition by 市科技局; staff of
either record editions, entries and prizes. A prize also writes a registry event, so the
registry's own rule applies on top (registry.permissions.can_edit: 市工业和信息化局经办人
or the administrator)."""

from __future__ import annotations

from policyhub.centres.common import readers, staff_of

LEAD_UNITS = ("miit", "science")

can_create = staff_of(LEAD_UNITS, "市工业和信息化局或市科技局")
can_view = readers(None, "各单位")
