from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DealersConfig(AppConfig):
    name = "dealers"
    verbose_name = _("Dealers")

    def ready(self) -> None:
        from dealerhub.core import jobs
        from markets import hooks

        from . import selectors, services, sheets

        # A market's required capacity changed: re-score its candidates (one job row,
        # written in the same transaction, queued on commit).
        hooks.market_capacity_changed.connect(services.recompute_market)
        hooks.market_dealer_channels.connect(selectors.market_dealer_channels)
        hooks.market_customers.connect(selectors.market_customers)
        jobs.register_sweeper("dealer_sheets", sheets.sweep_sheets)
        jobs.register_sweeper("dealer_recompute_jobs", services.recompute_jobs_sweep)
