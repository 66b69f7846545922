"""/centres/events/: list, detail, create, import and export pages (centres.common)."""

from django.urls import URLPattern

from policyhub.centres.common import urlpatterns as record_pages
from policyhub.centres.events.records import RECORD_TYPES

app_name = "centres_events"

urlpatterns: list[URLPattern] = record_pages(*RECORD_TYPES)
