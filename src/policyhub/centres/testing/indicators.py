"""The testing and certification centre's indicator for the action-plan monitor."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from policyhub.centres.common import source
from policyhub.centres.testing.models import EvaluationOrder
from policyhub.plan.indicators import Measure, indicator, listed


@indicator("testing.evaluations", label="累计完成测评服务", unit="次")
def evaluations(day: dt.date) -> Measure:
    """计划/二/(三)/5#5: 累计完成150次以上测评服务 — orders completed (whatever the result)
    on or before `day`."""
    done = EvaluationOrder.objects.filter(completed_on__lte=day).order_by("completed_on", "id")
    return Measure(Decimal(done.count()), listed(done, source))
