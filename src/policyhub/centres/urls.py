"""/centres/<app>/: each service-centre app's pages, under its own namespace
(centres_adaptation, centres_testing, …)."""

from django.urls import URLResolver, include, path

APPS = ("adaptation", "testing", "training", "emergency", "migration", "events")

urlpatterns: list[URLResolver] = [
    path(f"{app}/", include(f"policyhub.centres.{app}.urls")) for app in APPS
]
