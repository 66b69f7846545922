"""计划/二/(三)/4 names the lead unit 市委网信办 and the responsible units 市工业和信息化局、
市公安局、市数据资源局. Only the lead unit's staff record incidents, notifications and
drills; incidents are sensitive, so only those four units (and the auditor and the
administrator) read them."""

from __future__ import annotations

from policyhub.centres.common import readers, staff_of

LEAD_UNITS = ("cac",)
RESPONSIBLE_UNITS = ("cac", "miit", "police", "data")

can_create = staff_of(LEAD_UNITS, "市委网信办")
can_view = readers(RESPONSIBLE_UNITS, "市委网信办、市工业和信息化局、市公安局、市数据资源局")
