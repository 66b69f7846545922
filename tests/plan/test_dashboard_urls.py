"""A URLconf for the dashboard tests: the site's, plus /dashboard/ when config/urls.py does
not include it yet (use with @pytest.mark.urls("tests.plan.test_dashboard_urls"))."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from policyhub.config.urls import urlpatterns as site

wired = any(getattr(p, "namespace", None) == "dashboard" for p in site)
urlpatterns: list[URLPattern | URLResolver] = [*site] if wired else [
    *site, path("dashboard/", include("policyhub.plan.dashboard_urls"))]
