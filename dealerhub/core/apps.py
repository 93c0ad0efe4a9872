from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "dealerhub.core"
    label = "core"
    verbose_name = "DealerHub core"
