"""Django admin for the registry. Admin saves and deletions — one by one, in bulk, in an
inline — are audited like service calls, so a change made here is on the audit trail too (the
admin is for staff; the services enforce the same checks for everyone else).

Registry events and yearly figures are the facts the engine decided awards on: the admin never
deletes them (a wrong fact is corrected by a new one, through the registry's pages, API and
import, which audit it), and an organisation's figures are shown read-only in its inline.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
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

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        """The changelist's bulk delete: one audit entry per object, in its transaction."""
        for obj in queryset:
            record(request.user, "registry.admin.delete", obj, label=str(obj), bulk=True)
        super().delete_queryset(request, queryset)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            record(request.user, "registry.admin.add", obj, inline=True)
        for obj, fields in formset.changed_objects:
            record(request.user, "registry.admin.change", obj, fields=list(fields), inline=True)
        for obj in formset.deleted_objects:
            record(request.user, "registry.admin.delete", obj, label=str(obj), inline=True)


class FactsAdmin(AuditedAdmin):
    """Registry events and figures: never deleted through the admin."""

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class FigureInline(admin.TabularInline):  # type: ignore[type-arg]
    """Read-only: a figure is changed on its own admin page (audited) or through the registry."""

    model = YearlyFigure
    extra = 0
    fields = ("year", "main_business_revenue", "tax_paid", "rd_spend", "headcount", "source")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


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
class YearlyFigureAdmin(FactsAdmin):
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
class RegistryEventAdmin(FactsAdmin):
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
