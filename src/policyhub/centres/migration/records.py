"""Forms and spreadsheet columns of terminal replacement and application migration."""

from __future__ import annotations

from django import forms

from policyhub.centres.common import UNIT, Column, RecordForm, RecordType
from policyhub.centres.migration import permissions
from policyhub.centres.migration.models import AppMigration, TerminalReplacement

DAY = forms.DateInput(attrs={"type": "date"})


class TerminalReplacementForm(RecordForm[TerminalReplacement]):
    class Meta:
        model = TerminalReplacement
        fields = ["unit", "as_of", "terminals", "replaced"]
        widgets = {"as_of": DAY}


class AppMigrationForm(RecordForm[AppMigration]):
    class Meta:
        model = AppMigration
        fields = ["unit", "as_of", "apps", "migrated"]
        widgets = {"as_of": DAY}


TERMINALS = RecordType(
    slug="terminals", model=TerminalReplacement, form=TerminalReplacementForm,
    columns=(
        Column("unit", "单位", "ref", required=True, ref=UNIT),
        Column("as_of", "统计日期", "date", required=True),
        Column("terminals", "党政办公终端总数（台）", "int", required=True),
        Column("replaced", "已更新终端数（台）", "int", required=True),
        Column("share", "更新比例（%）", readonly=True),
    ),
    listed=("unit", "as_of", "terminals", "replaced", "share"),
    can_view=permissions.can_view, can_create=permissions.can_create,
    search=("unit__name",), clause="计划/二/(四)/1#1")

APPS = RecordType(
    slug="apps", model=AppMigration, form=AppMigrationForm,
    columns=(
        Column("unit", "单位", "ref", required=True, ref=UNIT),
        Column("as_of", "统计日期", "date", required=True),
        Column("apps", "主要党政办公应用系统数", "int", required=True),
        Column("migrated", "已完成迁移数", "int", required=True),
        Column("share", "迁移比例（%）", readonly=True),
    ),
    listed=("unit", "as_of", "apps", "migrated", "share"),
    can_view=permissions.can_view, can_create=permissions.can_create,
    search=("unit__name",), clause="计划/二/(四)/2#4")

RECORD_TYPES = (TERMINALS, APPS)
