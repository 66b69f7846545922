from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "policyhub.centres.training"
    label = "centres_training"
    verbose_name = "培训服务 Training"
