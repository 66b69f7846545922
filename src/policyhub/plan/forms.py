"""The report form of a unit page: target, value, as-of date, evidence, note."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from policyhub import clock
from policyhub.plan.models import Target
from policyhub.plan.services import as_of_problem, value_problem

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024


class ReportForm(forms.Form):
    target = forms.ModelChoiceField(label="目标", queryset=Target.objects.none(),
                                    error_messages={"required": "请选择目标。",
                                                    "invalid_choice": "该目标不由本单位报送。"})
    value = forms.DecimalField(label="报送值", max_digits=20, decimal_places=4,
                               error_messages={"required": "请填写报送值。",
                                               "invalid": "报送值必须是数字。",
                                               "max_digits": "报送值位数过多。",
                                               "max_decimal_places": "报送值最多4位小数。",
                                               "max_whole_digits": "报送值位数过多。"})
    as_of = forms.DateField(label="截至日期", error_messages={
        "required": "请填写截至日期。", "invalid": "截至日期格式应为 YYYY-MM-DD。"})
    evidence = forms.FileField(label="佐证材料", error_messages={
        "required": "请上传佐证材料。", "empty": "上传的佐证材料是空文件。"})
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, targets: Any, today: dt.date | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or clock.today()
        field = self.fields["target"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = targets

    def clean_evidence(self) -> Any:
        upload = self.cleaned_data["evidence"]
        if upload.size > MAX_EVIDENCE_BYTES:
            raise ValidationError("佐证材料不能超过20MB。")
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        target = data.get("target")
        if target is not None and data.get("value") is not None:
            problem = value_problem(target, data["value"])
            if problem:
                self.add_error("value", problem)
        if target is not None and data.get("as_of") is not None:
            problem = as_of_problem(target, data["as_of"], self.today)
            if problem:
                self.add_error("as_of", problem)
        return data
