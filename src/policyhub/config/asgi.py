"""ASGI entry point, for servers that speak ASGI. Production uses WSGI (gunicorn)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "policyhub.config.settings")

application = get_asgi_application()
