"""The 免申即享 list's filters (issue 14): status, support item (the rule's Chinese name),
the department that reviews it, the applicant's park or district, its name or credit code,
the year of the screening's day. The page and its Excel export take the same form, so the
file holds what the page lists."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from policyhub.applications import config
from policyhub.applications.models import Proposal
from policyhub.engine import meta
from policyhub.registry.models import Organisation
from policyhub.units.models import Unit

ALL = "all"
FIRST_YEAR, LAST_YEAR = 2019, 2035  # the action plan's first year; a generous horizon


def _rules() -> list[tuple[str, Any]]:
    found = sorted(meta.rules().values(), key=lambda r: r.order)
    return [("", _("全部支持事项")), *((r.id, f"{r.clause} {r.label}") for r in found)]


def _statuses() -> list[tuple[str, Any]]:
    return [*Proposal.Status.choices, (ALL, _("全部状态"))]


def _districts() -> list[tuple[str, Any]]:
    names = (Organisation.objects.exclude(district="").order_by("district")
             .values_list("district", flat=True).distinct())
    return [("", _("全部区县（市）")), *((d, d) for d in names)]


def rules_of(department: Unit) -> list[str]:
    """The rules whose clause `department` reviews (applications/clauses.yaml)."""
    out = []
    for rule in meta.rules().values():
        try:
            unit = config.reviewer_unit(rule.reference)
        except KeyError:  # a clause no department reviews (none today)
            continue
        if unit == department.code:
            out.append(rule.id)
    return out


def _departments() -> QuerySet[Unit]:
    return Unit.objects.filter(code__in=set(config.reviewer_units().values()))


def _of_applicant(**where: Any) -> Q:
    """Proposals whose applicant's organisation (its own, a person's, a team leader's)
    matches `where` (organisation field lookups)."""
    out = Q()
    for prefix in ("organisation__", "person__organisation__", "team__leader__organisation__"):
        out |= Q(**{prefix + key: value for key, value in where.items()})
    return out


class ProposalFilter(forms.Form):
    status = forms.ChoiceField(label=_("状态"), required=False, choices=_statuses)
    rule = forms.ChoiceField(label=_("支持事项"), required=False, choices=_rules)
    department = forms.ModelChoiceField(label=_("责任部门"), required=False,
                                        queryset=_departments(), empty_label=_("全部部门"))
    park = forms.ModelChoiceField(label=_("所在园区"), required=False,
                                  queryset=Unit.objects.filter(kind=Unit.Kind.PARK),
                                  empty_label=_("全部园区"))
    district = forms.ChoiceField(label=_("所在区县（市）"), required=False, choices=_districts)
    q = forms.CharField(label=_("名称或统一社会信用代码"), required=False, max_length=200,
                        error_messages={"max_length": _("名称或代码最多200个字符")})
    year = forms.IntegerField(
        label=_("筛查年度"), required=False, min_value=FIRST_YEAR, max_value=LAST_YEAR,
        widget=forms.NumberInput(attrs={"placeholder": "2021", "inputmode": "numeric"}),
        error_messages={"invalid": _("筛查年度请填写四位年份，如2021"),
                        "min_value": _("筛查年度不早于%(limit_value)s年"),
                        "max_value": _("筛查年度不晚于%(limit_value)s年")})

    def __init__(self, data: Any = None) -> None:
        # Unfiltered, the list shows the proposals still waiting for confirmation.
        super().__init__(data if data else None, initial={"status": Proposal.Status.OPEN})

    @property
    def status_value(self) -> str:
        if self.is_bound and self.is_valid():
            return self.cleaned_data["status"] or Proposal.Status.OPEN
        return str(Proposal.Status.OPEN)

    def apply(self, qs: QuerySet[Proposal]) -> QuerySet[Proposal]:
        """`qs` narrowed by the valid filters; an invalid form filters by status only (its
        errors are shown next to the fields)."""
        status = self.status_value
        if status != ALL:
            qs = qs.filter(status=status)
        if not (self.is_bound and self.is_valid()):
            return qs
        data = self.cleaned_data
        if data["rule"]:
            qs = qs.filter(rule=data["rule"])
        if data["department"] is not None:
            qs = qs.filter(rule__in=rules_of(data["department"]))
        if data["park"] is not None:
            qs = qs.filter(_of_applicant(park=data["park"]))
        if data["district"]:
            qs = qs.filter(_of_applicant(district=data["district"]))
        text = data["q"].strip()
        if text:
            qs = qs.filter(_of_applicant(name__icontains=text)
                           | _of_applicant(credit_code__icontains=text)
                           | Q(person__name__icontains=text) | Q(team__name__icontains=text))
        if data["year"] is not None:
            qs = qs.filter(decision__as_of__startswith=f"{data['year']}-")
        return qs

    def summary(self) -> dict[str, str]:
        """The filters in force, for the export's audit entry."""
        if not (self.is_bound and self.is_valid()):
            return {"status": self.status_value}
        return {key: str(value) for key, value in self.cleaned_data.items()
                if value not in (None, "")} | {"status": self.status_value}
