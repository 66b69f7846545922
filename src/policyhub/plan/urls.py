"""URLs of the 行动计划监测 pages, mounted at /plan/ under the namespace `plan`."""

from django.urls import URLPattern, path

from policyhub.plan import views

app_name = "plan"

urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("targets/<slug:code>/", views.target_detail, name="target"),
    path("units/<slug:code>/", views.unit_page, name="unit"),
    path("reports/<int:pk>/evidence", views.evidence, name="evidence"),
    path("export.xlsx", views.export_excel, name="export_excel"),
    path("export.pdf", views.export_pdf, name="export_pdf"),
]
