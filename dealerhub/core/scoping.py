"""Territory scoping: the one mechanism that decides which rows a user may see.

Every scoped model's queryset inherits :class:`ScopedQuerySet` and names the path
to its territory. Views and API viewsets call ``for_user`` through the mixins in
``dealerhub.core.views`` and ``dealerhub.core.api.viewsets``, so none can forget it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from accounts.models import User


class ScopedQuerySet(models.QuerySet):
    """A queryset whose rows hang off the territory tree.

    ``territory_field`` is the lookup path from the model to its ``Territory``
    (empty for ``Territory`` itself). A user sees the nodes they are assigned and
    everything below them; HQ admins and superusers see everything.
    """

    territory_field: str = "territory"

    def _path_lookup(self) -> str:
        prefix = f"{self.territory_field}__" if self.territory_field else ""
        return f"{prefix}path__startswith"

    def for_user(self, user: User | None) -> Self:
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.sees_everything:
            return self.all()
        return self.within_paths(user.scope_paths)

    def within_paths(self, paths: list[str]) -> Self:
        """Rows under any of the given materialised paths (one query, no recursion)."""
        if not paths:
            return self.none()
        lookup = self._path_lookup()
        condition = Q()
        for path in paths:
            condition |= Q(**{lookup: path})
        return self.filter(condition)


def allowed_paths(user: User) -> list[str] | None:
    """The territory paths a user may write under; None means everywhere."""
    return None if user.sees_everything else user.scope_paths


def path_visible(path: str, paths: list[str] | None) -> bool:
    """Whether a materialised path lies within the given scope (None = everything)."""
    return paths is None or any(path.startswith(prefix) for prefix in paths)
