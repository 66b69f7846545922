"""Forms, spreadsheet columns and detail tables of the summit and the competition."""

from __future__ import annotations

from django import forms
from django.urls import reverse

from policyhub.centres.common import UNIT, Column, RecordForm, RecordType, Ref, Table
from policyhub.centres.events import permissions
from policyhub.centres.events.models import (
    CompetitionEdition,
    Entry,
    Prize,
    SummitEdition,
)
from policyhub.centres.events.services import record_prize
from policyhub.registry.models import Organisation, Team

DAY = forms.DateInput(attrs={"type": "date"})


class SummitForm(RecordForm[SummitEdition]):
    class Meta:
        model = SummitEdition
        fields = ["number", "title", "held_on", "city", "theme", "attendees", "organiser"]
        widgets = {"held_on": DAY}


class CompetitionForm(RecordForm[CompetitionEdition]):
    class Meta:
        model = CompetitionEdition
        fields = ["number", "title", "year", "final_on", "organiser"]
        widgets = {"final_on": DAY}


class EntryForm(RecordForm[Entry]):
    class Meta:
        model = Entry
        fields = ["edition", "code", "name", "track", "organisation", "team"]


class PrizeForm(RecordForm[Prize]):
    class Meta:
        model = Prize
        fields = ["entry", "rank", "settles_in_changsha", "awarded_on"]
        widgets = {"awarded_on": DAY}


def competition_tables(edition: CompetitionEdition) -> list[Table]:
    rows = []
    for e in edition.entries.select_related("organisation", "team", "prize"):
        prize = getattr(e, "prize", None)
        rows.append([e.code, e.name, e.track, e.winner or "—",
                     prize.get_rank_display() if prize else "—"])
    add = reverse("centres_events:entries-create") + f"?edition={edition.pk}"
    return [Table("参赛队伍与获奖", ["参赛编号", "队伍", "赛道", "登记主体/团队", "奖项"], rows,
                  add_url=add)]


def prize_tables(prize: Prize) -> list[Table]:
    event = prize.registry_event
    rows = [[event.pk, event.get_type_display(), event.date, event.matter, event.payload]] \
        if event else []
    return [Table("登记库政策事件（政策/二/(十)）", ["编号", "类型", "日期", "事项编号", "明细"],
                  rows)]


COMPETITION = Ref(CompetitionEdition, ("year", "number"))

SUMMITS = RecordType(
    slug="summits", model=SummitEdition, form=SummitForm,
    columns=(Column("number", "届次", "int", required=True),
             Column("title", "名称", required=True),
             Column("held_on", "举办日期", "date", required=True),
             Column("city", "举办地"), Column("theme", "主题"),
             Column("attendees", "参会人数", "int"),
             Column("organiser", "牵头单位", "ref", ref=UNIT)),
    listed=("number", "title", "held_on", "city", "attendees"),
    can_view=permissions.can_view, can_create=permissions.can_create,
    search=("title", "theme"), clause="计划/二/(五)/1")

COMPETITIONS = RecordType(
    slug="competitions", model=CompetitionEdition, form=CompetitionForm,
    columns=(Column("number", "届次", "int", required=True),
             Column("title", "名称"),
             Column("year", "年度", "int", required=True),
             Column("final_on", "决赛日期", "date", required=True),
             Column("organiser", "牵头单位", "ref", ref=UNIT)),
    listed=("number", "year", "title", "final_on"),
    can_view=permissions.can_view, can_create=permissions.can_create,
    search=("title",), related=competition_tables, clause="计划/二/(五)/2")

ENTRIES = RecordType(
    slug="entries", model=Entry, form=EntryForm,
    columns=(Column("edition", "大赛年度", "ref", required=True, ref=COMPETITION),
             Column("code", "参赛编号", required=True),
             Column("name", "参赛队伍", required=True),
             Column("track", "赛道"),
             Column("organisation", "登记主体（统一社会信用代码）", "ref",
                    ref=Ref(Organisation, ("credit_code",))),
             Column("team", "登记团队编号", "ref", ref=Ref(Team, ("pk",)))),
    listed=("edition", "code", "name", "track"),
    can_view=permissions.can_view, can_create=permissions.can_create,
    search=("code", "name"), clause="计划/二/(五)/2")

PRIZES = RecordType(
    slug="prizes", model=Prize, form=PrizeForm,
    columns=(Column("entry", "参赛编号", "ref", required=True, ref=Ref(Entry, ("code",))),
             Column("rank", "奖项", "choice", required=True),
             Column("settles_in_changsha", "来长落户", "bool"),
             Column("awarded_on", "获奖日期", "date", required=True),
             Column("registry_event_id", "政策事件编号", readonly=True)),
    listed=("entry", "rank", "settles_in_changsha", "awarded_on"),
    can_view=permissions.can_view, can_create=permissions.can_create,
    search=("entry__code", "entry__name"), related=prize_tables, save=record_prize,
    clause="政策/二/(十)")

RECORD_TYPES = (SUMMITS, COMPETITIONS, ENTRIES, PRIZES)
