from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "dealerhub.core"
    label = "core"
    verbose_name = "DealerHub core"

    def ready(self):
        # After the admin's autodiscovery and the apps listed before this one (pghistory
        # registers its audit-trail admin in its own ready()).
        from .admin import hq_only_unless_scoped

        hq_only_unless_scoped()
