"""计划/二/(四)/1 and 2 are led by 市数据资源局: its staff record each unit's counts; every
staff member may read them."""

from __future__ import annotations

from policyhub.centres.common import readers, staff_of

LEAD_UNITS = ("data",)

can_create = staff_of(LEAD_UNITS, "市数据资源局")
can_view = readers(None, "各单位")
