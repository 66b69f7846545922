"""WSGI entry point: `gunicorn policyhub.config.wsgi` (see config/gunicorn.conf.py).

The PDF renderer is warmed here, once per server start (web.pdf.warm): with gunicorn's
preload_app the master pays it before the workers fork, so no user's first PDF does.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "policyhub.config.settings")

application = get_wsgi_application()

from policyhub.web.pdf import warm  # noqa: E402  (Django must be set up first)

warm()
