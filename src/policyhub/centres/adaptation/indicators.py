"""The adaptation centre's indicators for the action-plan monitor (docs/centres.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

from django.db.models import QuerySet

from policyhub.centres.adaptation.models import SOFTWARE, Adaptation, DemoNetwork
from policyhub.centres.common import source
from policyhub.plan.indicators import Measure, indicator, listed


@indicator("adaptation.pk_adaptations", label="基于PK体系完成的软硬件适配", unit="项")
def pk_adaptations(day: dt.date) -> Measure:
    """计划/二/(三)/3#2: 500项以上软硬件适配 — each passing test of a product version on a
    CPU/OS pair, tested on or before `day`."""
    done = Adaptation.objects.passed().filter(tested_on__lte=day).order_by("tested_on", "id")
    return Measure(Decimal(done.count()), listed(done, source))


@indicator("adaptation.software_packages", label="网络安全国产平台配套应用软件",
          unit="种")
def software_packages(day: dt.date) -> Measure:
    """计划/二/(三)/2#5: 配套应用软件500种 — distinct software products (vendor + product,
    whatever the version or platform) with at least one passing adaptation by `day`."""
    passed = Adaptation.objects.passed().filter(tested_on__lte=day, category__in=SOFTWARE)
    # Counted from (vendor, product) pairs; the model rows are read only when the sources are
    # listed (the dashboard does not list them: 0.67 s of its time at ×100 before).
    count = len({(v.strip(), p.strip()) for v, p in passed.values_list("vendor", "product")})
    return Measure(Decimal(count), listed(_first_of_each(passed), source),
                   note="按厂商+产品名称去重，不区分版本与平台")


def _first_of_each(passed: QuerySet[Adaptation]) -> Iterator[Adaptation]:
    """The first passing test of each (vendor, product), in test order."""
    seen: set[tuple[str, str]] = set()
    for a in passed.order_by("tested_on", "id"):
        key = (a.vendor.strip(), a.product.strip())
        if key not in seen:
            seen.add(key)
            yield a


@indicator("adaptation.demo_machines", label="联网演示整机", unit="台")
def demo_machines(day: dt.date) -> Measure:
    """计划/二/(三)/3#1: 大于100台整机的联网演示能力 — the latest count on or before `day`."""
    latest = DemoNetwork.objects.filter(recorded_on__lte=day).order_by("-recorded_on").first()
    if latest is None:
        return Measure(Decimal(0), note="尚无联网演示环境记录")
    return Measure(Decimal(latest.machines), [source(latest)])
