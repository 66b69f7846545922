from django.apps import AppConfig


class AdaptationConfig(AppConfig):
    name = "policyhub.centres.adaptation"
    label = "centres_adaptation"
    verbose_name = "适配中心 Adaptation centre"
