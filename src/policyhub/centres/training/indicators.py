"""Training indicators for the action-plan monitor. A session counts once it has ended."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Sum

from policyhub.centres.common import source
from policyhub.centres.training.models import TrainingSession
from policyhub.plan.indicators import Measure, indicator, listed


def _held(day: dt.date, *, centre_only: bool) -> list[TrainingSession]:
    qs = TrainingSession.objects.filter(end_on__lte=day)
    if centre_only:
        qs = qs.filter(at_adaptation_centre=True)
    return list(qs.order_by("end_on", "id"))


@indicator("training.sessions", label="适配中心培训服务", unit="次")
def sessions(day: dt.date) -> Measure:
    """计划/二/(三)/3#2: 开展100次以上培训服务 — the adaptation centre's sessions."""
    held = _held(day, centre_only=True)
    return Measure(Decimal(len(held)), listed(held, source))


@indicator("training.deployers", label="培训具备产品部署能力的专业人才", unit="名")
def deployers(day: dt.date) -> Measure:
    """计划/二/(三)/3#2: 培训1000名以上具备产品部署能力的专业人才 — the adaptation centre's
    trainees who passed as able to deploy."""
    held = [s for s in _held(day, centre_only=True) if s.deployers_certified]
    return Measure(Decimal(sum(s.deployers_certified for s in held)), listed(held, source))


@indicator("training.person_times", label="累计培训专业人才", unit="人次")
def person_times(day: dt.date) -> Measure:
    """计划/一#2: 累计培训专业人才50万人次 — every provider's person-times."""
    held = TrainingSession.objects.filter(end_on__lte=day)
    total = held.aggregate(total=Sum("person_times"))["total"] or 0
    return Measure(Decimal(total), listed(held.order_by("end_on", "id"), source))
