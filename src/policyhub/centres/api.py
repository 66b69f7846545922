"""/api/v1/centres/<app>/: each service-centre app's router (mounted by policyhub.config.api
through DOMAIN_APPS)."""

from importlib import import_module

from ninja import Router

from policyhub.centres.urls import APPS

router = Router(tags=["centres"])
for _app in APPS:
    router.add_router(f"/{_app}/", import_module(f"policyhub.centres.{_app}.api").router)
