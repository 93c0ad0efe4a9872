from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DealersConfig(AppConfig):
    name = "dealers"
    verbose_name = _("Dealers")

    def ready(self) -> None:
        from dealerhub.core import jobs
        from markets import services as market_services

        from . import services, sheets

        # A market's required capacity changed: re-score its candidates (one job row,
        # written in the same transaction, queued on commit).
        market_services.on_capacity_changed("dealers", services.recompute_market)
        jobs.register_sweeper("dealer_sheets", sheets.sweep_sheets)
        jobs.register_sweeper("dealer_recompute_jobs", services.recompute_jobs_sweep)
