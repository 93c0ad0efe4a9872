from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KeyAccountsConfig(AppConfig):
    name = "keyaccounts"
    verbose_name = _("Key accounts")

    def ready(self) -> None:
        from dealerhub.core import jobs

        from . import services

        jobs.register_sweeper("ka_recompute_jobs", services.recompute_jobs_sweep)
