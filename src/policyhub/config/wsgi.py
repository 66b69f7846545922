"""WSGI entry point: `gunicorn policyhub.config.wsgi` (see config/gunicorn.conf.py)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "policyhub.config.settings")

application = get_wsgi_application()
