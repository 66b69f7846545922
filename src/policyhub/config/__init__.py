"""The Django project: settings, URLs, the REST API and the WSGI/ASGI entry points."""
