"""URLs: the home page, the REST API under /api/, and /static/ when SERVE_STATIC is on."""

from django.conf import settings
from django.contrib.staticfiles.views import serve
from django.urls import URLPattern, URLResolver, path, re_path

from policyhub.config.api import api
from policyhub.config.views import home

urlpatterns: list[URLPattern | URLResolver] = [
    path("", home, name="home"),
    path("api/", api.urls),
]

if settings.SERVE_STATIC:
    urlpatterns.append(
        re_path(rf"^{settings.STATIC_URL.strip('/')}/(?P<path>.*)$", serve, {"insecure": True})
    )
