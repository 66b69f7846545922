"""The leaders' dashboard, mounted at /dashboard/ under the namespace `dashboard`."""

from django.urls import URLPattern, path

from policyhub.plan import dashboard

app_name = "dashboard"

urlpatterns: list[URLPattern] = [
    path("", dashboard.dashboard, name="index"),
]
