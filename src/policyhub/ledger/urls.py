"""URLs of the 专项资金 pages, mounted at /ledger/ under the namespace `ledger`."""

from django.urls import URLPattern, path

from policyhub.ledger import views

app_name = "ledger"

urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("export.xlsx", views.export, name="export"),
]
