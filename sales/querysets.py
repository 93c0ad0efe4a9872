from django.db import models

from dealerhub.core.scoping import ScopedQuerySet


class ProductQuerySet(models.QuerySet):
    """Products are company-wide master data: every signed-in user may read them."""

    def for_user(self, user):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.all()


class SalesFactQuerySet(ScopedQuerySet):
    """Sell-in lines, collections and their summaries carry their dealer's territory path
    (denormalised when written), so scoping needs no join."""

    territory_field = ""

    def _path_lookup(self) -> str:
        return "territory_path__startswith"
