from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo site's loader (`load_demo`): above every domain app, below none."""

    name = "policyhub.demo"
    verbose_name = "演示数据 Demo"
