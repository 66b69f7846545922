"""Forms and spreadsheet columns of the adaptation centre's records."""

from __future__ import annotations

from django import forms

from policyhub.centres.adaptation import permissions
from policyhub.centres.adaptation.models import Adaptation, DemoNetwork
from policyhub.centres.common import ORGANISATION, Column, RecordForm, RecordType


class AdaptationForm(RecordForm[Adaptation]):
    class Meta:
        model = Adaptation
        fields = ["product", "vendor", "version", "category", "cpu", "os", "os_build", "result",
                  "certificate", "tested_on", "organisation"]
        widgets = {"tested_on": forms.DateInput(attrs={"type": "date"})}


class DemoNetworkForm(RecordForm[DemoNetwork]):
    class Meta:
        model = DemoNetwork
        fields = ["recorded_on", "machines", "note"]
        widgets = {"recorded_on": forms.DateInput(attrs={"type": "date"})}


ADAPTATION_COLUMNS = (
    Column("product", "产品名称", required=True),
    Column("vendor", "厂商", required=True),
    Column("version", "产品版本", required=True),
    Column("category", "产品类别", "choice", required=True),
    Column("cpu", "CPU（飞腾型号）", "choice", required=True),
    Column("os", "操作系统（麒麟版本）", "choice", required=True),
    Column("os_build", "操作系统版本号"),
    Column("result", "测试结果", "choice", required=True),
    Column("certificate", "适配证书编号"),
    Column("tested_on", "适配日期", "date", required=True),
    Column("organisation", "登记主体（统一社会信用代码）", "ref", ref=ORGANISATION),
)
# The public catalogue: the same columns but the registry link.
CATALOGUE_COLUMNS = ADAPTATION_COLUMNS[:-1]

ADAPTATIONS = RecordType(
    slug="adaptations", model=Adaptation, form=AdaptationForm, columns=ADAPTATION_COLUMNS,
    listed=("product", "vendor", "version", "cpu", "os", "result", "tested_on"),
    can_view=permissions.can_view, can_create=permissions.can_create,
    search=("product", "vendor", "certificate"), clause="计划/二/(三)/3")

DEMO_NETWORKS = RecordType(
    slug="demo-network", model=DemoNetwork, form=DemoNetworkForm,
    columns=(Column("recorded_on", "统计日期", "date", required=True),
             Column("machines", "联网演示整机数（台）", "int", required=True),
             Column("note", "说明")),
    listed=("recorded_on", "machines", "note"),
    can_view=permissions.can_view, can_create=permissions.can_create, clause="计划/二/(三)/3#1")

RECORD_TYPES = (ADAPTATIONS, DEMO_NETWORKS)
