"""Forms, spreadsheet columns and detail tables of the emergency response centre."""

from __future__ import annotations

from django import forms
from django.urls import reverse

from policyhub.centres.common import (
    UNIT,
    Column,
    RecordForm,
    RecordType,
    Ref,
    Table,
    format_duration,
)
from policyhub.centres.emergency import permissions
from policyhub.centres.emergency.models import Drill, DrillParticipant, Incident, Notification

MOMENT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _add_url(slug: str, parent: str, pk: int) -> str:
    return reverse(f"centres_emergency:{slug}-create") + f"?{parent}={pk}"


class IncidentForm(RecordForm[Incident]):
    class Meta:
        model = Incident
        fields = ["number", "title", "category", "level", "affected", "occurred_at",
                  "detected_at", "reported_at", "responded_at", "closed_at", "summary"]
        widgets = {name: MOMENT for name in ("occurred_at", "detected_at", "reported_at",
                                             "responded_at", "closed_at")}


class NotificationForm(RecordForm[Notification]):
    class Meta:
        model = Notification
        fields = ["incident", "unit", "notified_at", "acknowledged_at", "note"]
        widgets = {"notified_at": MOMENT, "acknowledged_at": MOMENT}


class DrillForm(RecordForm[Drill]):
    class Meta:
        model = Drill
        fields = ["name", "kind", "held_on", "organiser", "scenario"]
        widgets = {"held_on": forms.DateInput(attrs={"type": "date"})}


class DrillParticipantForm(RecordForm[DrillParticipant]):
    class Meta:
        model = DrillParticipant
        fields = ["drill", "name", "role", "people"]


def incident_tables(incident: Incident) -> list[Table]:
    notified = [[n.unit.name, n.notified_at, n.acknowledged_at or "—",
                 format_duration(n.notified_at - incident.reported_at), n.note]
                for n in incident.notifications.select_related("unit")]
    return [
        Table("响应时间线", ["时间", "事项"], [[t, what] for t, what in incident.timeline()]),
        Table("通报部门", ["单位", "通报时间", "确认收到时间", "接报后用时", "说明"], notified,
              add_url=_add_url("notifications", "incident", incident.pk)),
    ]


def drill_tables(drill: Drill) -> list[Table]:
    rows = [[p.name, p.role, p.people] for p in drill.participants.all()]
    return [Table(f"参演单位（共 {drill.participants_total} 人）", ["参演单位", "角色", "人数"],
                  rows, add_url=_add_url("participants", "drill", drill.pk))]


INCIDENT_REF = Ref(Incident, ("number",))
DRILL_REF = Ref(Drill, ("name",))


INCIDENTS = RecordType(
    slug="incidents", model=Incident, form=IncidentForm,
    columns=(
        Column("number", "事件编号", required=True),
        Column("title", "事件名称", required=True),
        Column("category", "事件类别", "choice", required=True),
        Column("level", "事件级别", "choice", required=True),
        Column("affected", "受影响单位/系统"),
        Column("occurred_at", "发生时间", "datetime"),
        Column("detected_at", "发现时间", "datetime"),
        Column("reported_at", "接报时间", "datetime", required=True),
        Column("responded_at", "响应时间", "datetime"),
        Column("closed_at", "处置完毕时间", "datetime"),
        Column("summary", "处置情况"),
        Column("time_to_respond", "响应用时", readonly=True),
        Column("time_to_close", "处置用时", readonly=True),
    ),
    listed=("number", "title", "category", "level", "reported_at", "time_to_respond",
            "time_to_close"),
    search=("number", "title", "affected"), related=incident_tables,
    clause="计划/二/(三)/4#3",
    can_view=permissions.can_view, can_create=permissions.can_create)

NOTIFICATIONS = RecordType(
    slug="notifications", model=Notification, form=NotificationForm,
    columns=(
        Column("incident", "事件编号", "ref", required=True, ref=INCIDENT_REF),
        Column("unit", "通报单位", "ref", required=True, ref=UNIT),
        Column("notified_at", "通报时间", "datetime", required=True),
        Column("acknowledged_at", "确认收到时间", "datetime"),
        Column("note", "说明"),
    ),
    listed=("incident", "unit", "notified_at", "acknowledged_at"),
    search=("incident__number", "unit__name"), clause="计划/二/(三)/4#3",
    can_view=permissions.can_view, can_create=permissions.can_create)

DRILLS = RecordType(
    slug="drills", model=Drill, form=DrillForm,
    columns=(
        Column("name", "演练名称", required=True),
        Column("kind", "演练类型", "choice", required=True),
        Column("held_on", "举办日期", "date", required=True),
        Column("organiser", "组织单位", "ref", ref=UNIT),
        Column("scenario", "演练场景"),
        Column("participants_total", "参演人数", readonly=True),
    ),
    listed=("name", "kind", "held_on", "organiser", "participants_total"),
    search=("name", "scenario"), related=drill_tables, clause="计划/二/(三)/4#2",
    can_view=permissions.can_view, can_create=permissions.can_create)

PARTICIPANTS = RecordType(
    slug="participants", model=DrillParticipant, form=DrillParticipantForm,
    columns=(
        Column("drill", "演练名称", "ref", required=True, ref=DRILL_REF),
        Column("name", "参演单位", required=True),
        Column("role", "角色"),
        Column("people", "参演人数", "int", required=True),
    ),
    listed=("drill", "name", "role", "people"),
    search=("drill__name", "name"), clause="计划/二/(三)/4#2",
    can_view=permissions.can_view, can_create=permissions.can_create)

RECORD_TYPES = (INCIDENTS, NOTIFICATIONS, DRILLS, PARTICIPANTS)
