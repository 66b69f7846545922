"""URLs: the home page, sign-in, the shared web pages, the registry, applications and ledger
pages, the REST API under /api/ and language switching under /i18n/. /static/ is served by
WhiteNoise (settings.MIDDLEWARE), not by a view."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path

from policyhub.config.api import api
from policyhub.config.views import home

# A 400 (bad parameter, NUL in the request…) is a Chinese page, or JSON under /api/.
handler400 = "policyhub.web.edges.bad_request"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            template_name="web/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path(
        "accounts/logout/",
        auth_views.LogoutView.as_view(template_name="web/logged_out.html"),
        name="logout",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("policyhub.web.urls")),
    path("registry/", include("policyhub.registry.urls")),
    path("applications/", include("policyhub.applications.urls")),
    path("applications/", include("policyhub.materials.urls")),
    path("ledger/", include("policyhub.ledger.urls")),
    path("centres/", include("policyhub.centres.urls")),
    path("imports/", include("policyhub.imports.urls")),
    path("plan/", include("policyhub.plan.urls")),
    path("dashboard/", include("policyhub.plan.dashboard_urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
