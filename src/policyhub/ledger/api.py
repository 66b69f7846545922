"""REST endpoints of this app, mounted under /api/v1/<app>/ by policyhub.config.api."""

from ninja import Router

router = Router()
