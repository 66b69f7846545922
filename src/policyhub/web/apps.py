from django.apps import AppConfig


class WebConfig(AppConfig):
    """Shared page furniture: base templates, static files, PDF and Excel rendering."""

    name = "policyhub.web"
    verbose_name = "网页 Web"
