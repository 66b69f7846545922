from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "policyhub.centres.events"
    label = "centres_events"
    verbose_name = "一会一赛 Summit and competition"
