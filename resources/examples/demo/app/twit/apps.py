from django.apps import AppConfig


class TwitConfig(AppConfig):
    name = "twit"
