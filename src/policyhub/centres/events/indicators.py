"""一会一赛 indicators for the action-plan monitor: editions held on or before the day."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from policyhub.centres.common import source
from policyhub.centres.events.models import CompetitionEdition, SummitEdition
from policyhub.plan.indicators import Measure, indicator, listed


@indicator("events.summits", label="举办国家级网络安全产业峰会", unit="次")
def summits(day: dt.date) -> Measure:
    """计划/二/(五)/1#1: 每年度举办国家级网络安全产业峰会."""
    held = SummitEdition.objects.filter(held_on__lte=day).order_by("held_on")
    years = sorted({s.held_on.year for s in held})
    return Measure(Decimal(held.count()), listed(held, source),
                   note="举办年度：" + ("、".join(map(str, years)) or "无"))


@indicator("events.competitions", label="举办“长城杯”网络安全创新创业大赛", unit="届")
def competitions(day: dt.date) -> Measure:
    """计划/二/(五)/2#1: 每两年举办“长城杯”网络安全创新创业大赛 — finals held by `day`."""
    held = CompetitionEdition.objects.filter(final_on__lte=day).order_by("final_on")
    return Measure(Decimal(held.count()), listed(held, source))
