from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = _("ERP integration")

    def ready(self) -> None:
        from dealerhub.core import events, jobs

        from . import services

        events.event_published.connect(services.webhook_publish)
        events.deleted.connect(services.tombstone_record)
        jobs.register_sweeper("webhook_deliveries", services.webhooks_sweep)
