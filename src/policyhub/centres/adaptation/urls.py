"""/centres/adaptation/: the record pages (login) and the public 实施清单 catalogue."""

from django.urls import URLPattern, path

from policyhub.centres.adaptation import views
from policyhub.centres.adaptation.records import RECORD_TYPES
from policyhub.centres.common import urlpatterns as record_pages

app_name = "centres_adaptation"

urlpatterns: list[URLPattern] = [
    path("catalogue/", views.catalogue, name="catalogue"),
    path("catalogue/export.xlsx", views.catalogue_export, name="catalogue-export"),
    *record_pages(*RECORD_TYPES),
]
