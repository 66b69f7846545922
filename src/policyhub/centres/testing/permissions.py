"""Who may record evaluation orders: 计划/二/(三)/5's lead unit (长沙高新区管委会) and its
responsible unit 市工业和信息化局. Every staff member may read them."""

from __future__ import annotations

from policyhub.centres.common import readers, staff_of

LEAD_UNITS = ("hitech", "miit")

can_create = staff_of(LEAD_UNITS, "长沙高新区管委会或市工业和信息化局")
can_view = readers(None, "各单位")
