from django.apps import AppConfig


class TestingConfig(AppConfig):
    name = "policyhub.centres.testing"
    label = "centres_testing"
    verbose_name = "测试认证中心 Testing and certification"
