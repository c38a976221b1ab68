from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "setia.desk"
