"""Form and spreadsheet columns of training sessions."""

from __future__ import annotations

from django import forms

from policyhub.centres.common import ORGANISATION, Column, RecordForm, RecordType
from policyhub.centres.training import permissions
from policyhub.centres.training.models import TrainingSession


class TrainingSessionForm(RecordForm[TrainingSession]):
    class Meta:
        model = TrainingSession
        fields = ["title", "provider", "organisation", "topic", "at_adaptation_centre",
                  "start_on", "end_on", "person_times", "deployers_certified"]
        widgets = {"start_on": forms.DateInput(attrs={"type": "date"}),
                   "end_on": forms.DateInput(attrs={"type": "date"})}


SESSIONS = RecordType(
    slug="sessions", model=TrainingSession, form=TrainingSessionForm,
    columns=(
        Column("title", "培训名称", required=True),
        Column("provider", "培训机构", required=True),
        Column("organisation", "登记主体（统一社会信用代码）", "ref", ref=ORGANISATION),
        Column("topic", "培训主题", "choice", required=True),
        Column("at_adaptation_centre", "适配中心培训服务", "bool"),
        Column("start_on", "开始日期", "date", required=True),
        Column("end_on", "结束日期", "date", required=True),
        Column("person_times", "培训人次", "int", required=True),
        Column("deployers_certified", "具备产品部署能力的结业人数", "int"),
    ),
    listed=("title", "provider", "topic", "start_on", "person_times", "deployers_certified"),
    can_view=permissions.can_view, can_create=permissions.can_create,
    search=("title", "provider"), clause="计划/二/(三)/3#2")

RECORD_TYPES = (SESSIONS,)
