"""The PK 软硬件实施清单 (计划/二/(四)/2#3): every passing adaptation, public, searchable by
product, vendor, CPU, OS and category, and exportable to Excel."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q

from policyhub.centres.adaptation.models import (
    Adaptation,
    AdaptationQuerySet,
    Category,
    Cpu,
    KylinOS,
)
from policyhub.centres.adaptation.records import CATALOGUE_COLUMNS
from policyhub.web.excel import write_table

ANY = [("", "全部")]


def search(*, q: str = "", cpu: str = "", os: str = "", category: str = "") -> AdaptationQuerySet:
    qs = Adaptation.objects.catalogue()
    if q:
        qs = qs.filter(Q(product__icontains=q) | Q(vendor__icontains=q)
                       | Q(certificate__icontains=q))
    if cpu:
        qs = qs.filter(cpu=cpu)
    if os:
        qs = qs.filter(os=os)
    if category:
        qs = qs.filter(category=category)
    return qs


class CatalogueFilter(forms.Form):
    q = forms.CharField(label="产品、厂商或证书编号", required=False)
    cpu = forms.ChoiceField(label="CPU", required=False, choices=[*ANY, *Cpu.choices])
    os = forms.ChoiceField(label="操作系统", required=False, choices=[*ANY, *KylinOS.choices])
    category = forms.ChoiceField(label="产品类别", required=False,
                                 choices=[*ANY, *Category.choices])

    def results(self) -> AdaptationQuerySet:
        if not self.is_valid():
            return Adaptation.objects.catalogue().none()
        return search(**{k: v.strip() for k, v in self.cleaned_data.items()})


def to_xlsx(entries: AdaptationQuerySet) -> bytes:
    rows = [[c.cell(a) for c in CATALOGUE_COLUMNS] for a in entries]
    return write_table([c.zh for c in CATALOGUE_COLUMNS], rows, "PK体系软硬件实施清单")


def as_json(entry: Adaptation) -> dict[str, Any]:
    data = {c.name: c.json(entry) for c in CATALOGUE_COLUMNS}
    labels = {f"{c.name}_label": str(c.cell(entry)) for c in CATALOGUE_COLUMNS
              if c.kind == "choice"}
    return {"id": entry.pk, **data, **labels}
