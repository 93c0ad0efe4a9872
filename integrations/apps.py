from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = _("ERP integration")

    def ready(self) -> None:
        from dealerhub.core import jobs

        from . import services

        jobs.register_sweeper("webhook_deliveries", services.webhooks_sweep)
