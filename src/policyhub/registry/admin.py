"""Django admin for the registry. Admin saves are audited like service calls, so a change made
here is on the audit trail too (the admin is for staff; the services enforce the same checks
for everyone else)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from policyhub.audit.services import record
from policyhub.registry.models import (
    EvidenceFile,
    Organisation,
    Person,
    RegistryEvent,
    Team,
    YearlyFigure,
)


class AuditedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        changed = list(form.changed_data) if form is not None else []
        record(request.user, f"registry.admin.{'change' if change else 'add'}", obj,
               fields=changed)

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        record(request.user, "registry.admin.delete", obj, label=str(obj))
        super().delete_model(request, obj)


class FigureInline(admin.TabularInline):  # type: ignore[type-arg]
    model = YearlyFigure
    extra = 0
    fields = ("year", "main_business_revenue", "tax_paid", "rd_spend", "headcount", "source")


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ("name", "credit_code", "kind", "district", "park", "high_tech",
                    "above_designated_size")
    list_filter = ("kind", "park", "district", "high_tech", "above_designated_size")
    search_fields = ("name", "credit_code")
    inlines = (FigureInline,)


@admin.register(Person)
class PersonAdmin(AuditedAdmin):
    list_display = ("name", "id_number_masked", "organisation", "works_in_changsha")
    search_fields = ("name",)
    autocomplete_fields = ("organisation",)


@admin.register(Team)
class TeamAdmin(AuditedAdmin):
    list_display = ("name", "leader", "based_in_changsha", "settles_in_changsha")
    search_fields = ("name",)
    filter_horizontal = ("members",)


@admin.register(YearlyFigure)
class YearlyFigureAdmin(AuditedAdmin):
    list_display = ("organisation", "year", "main_business_revenue", "tax_paid", "headcount")
    list_filter = ("year",)
    search_fields = ("organisation__name", "organisation__credit_code")


class EvidenceInline(admin.TabularInline):  # type: ignore[type-arg]
    model = EvidenceFile
    fk_name = "event"
    extra = 0
    readonly_fields = ("sha256", "size", "uploaded_by", "uploaded_at")
    fields = ("file", "original_name", "sha256", "size", "uploaded_by", "uploaded_at")


@admin.register(RegistryEvent)
class RegistryEventAdmin(AuditedAdmin):
    list_display = ("type", "date", "organisation", "person", "team", "matter", "source")
    list_filter = ("type", "source")
    search_fields = ("matter", "organisation__name", "person__name", "team__name")
    date_hierarchy = "date"


@admin.register(EvidenceFile)
class EvidenceFileAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    # Read-only: evidence is attached through services.attach_evidence, which hashes it.
    list_display = ("original_name", "event", "figure", "sha256", "uploaded_by", "uploaded_at")
    readonly_fields = ("event", "figure", "file", "original_name", "sha256", "size",
                       "uploaded_by", "uploaded_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
