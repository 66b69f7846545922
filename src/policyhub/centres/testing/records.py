"""Form and spreadsheet columns of the testing and certification centre."""

from __future__ import annotations

from django import forms

from policyhub.centres.common import ORGANISATION, Column, RecordForm, RecordType
from policyhub.centres.testing import permissions
from policyhub.centres.testing.models import EvaluationOrder


class EvaluationOrderForm(RecordForm[EvaluationOrder]):
    class Meta:
        model = EvaluationOrder
        fields = ["number", "client", "organisation", "product", "product_type", "service",
                  "standard", "ordered_on", "completed_on", "result", "certificate"]
        widgets = {"ordered_on": forms.DateInput(attrs={"type": "date"}),
                   "completed_on": forms.DateInput(attrs={"type": "date"})}


ORDERS = RecordType(
    slug="orders", model=EvaluationOrder, form=EvaluationOrderForm,
    columns=(
        Column("number", "委托编号", required=True),
        Column("client", "委托单位", required=True),
        Column("organisation", "登记主体（统一社会信用代码）", "ref", ref=ORGANISATION),
        Column("product", "产品/系统名称", required=True),
        Column("product_type", "产品类型", "choice", required=True),
        Column("service", "服务类型", "choice", required=True),
        Column("standard", "依据标准", required=True),
        Column("ordered_on", "委托日期", "date", required=True),
        Column("completed_on", "完成日期", "date"),
        Column("result", "结果", "choice"),
        Column("certificate", "报告/证书编号"),
    ),
    listed=("number", "client", "product", "service", "standard", "result", "completed_on"),
    can_view=permissions.can_view, can_create=permissions.can_create,
    search=("number", "client", "product", "standard", "certificate"), clause="计划/二/(三)/5")

RECORD_TYPES = (ORDERS,)
