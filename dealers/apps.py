from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DealersConfig(AppConfig):
    name = "dealers"
    verbose_name = _("Dealers")

    def ready(self) -> None:
        from dealerhub.core.jobs import enqueue_on_commit
        from markets import hooks

        from . import selectors, tasks

        hooks.market_capacity_changed.connect(
            lambda *, market_id: enqueue_on_commit(tasks.recompute_market_evaluations, market_id)
        )
        hooks.market_dealer_channels.connect(selectors.market_dealer_channels)
        hooks.market_customers.connect(selectors.market_customers)
