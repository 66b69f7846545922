"""URLs of the 主体登记 pages, mounted at /registry/ under the namespace `registry`."""

from django.urls import URLPattern, path

from policyhub.registry import views

app_name = "registry"

urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.detail, name="detail"),
    path("import/", views.import_page, name="import"),
    path("import/errors/<str:token>.xlsx", views.import_errors, name="import_errors"),
    path("import/template/<str:kind>.xlsx", views.import_template, name="import_template"),
    path("export/<str:kind>.<str:fmt>", views.export, name="export"),
]
