from django.apps import AppConfig


class EmergencyConfig(AppConfig):
    name = "policyhub.centres.emergency"
    label = "centres_emergency"
    verbose_name = "运营及应急响应中心 Operations and emergency response"
