"""Who may do what, with one answer for "not allowed", everywhere.

- Out of the user's territories a record does not exist for them: scoped querysets
  (``for_user``) find nothing and the page or API answers **404**.
- In scope (or a page that is not territory-bound) but not permitted for the user's
  role: **403**, raised by :func:`require` or :class:`RoleRequiredMixin`.

Each app states its rules in its own ``policies`` module as small functions of the
user (and the record) built from :func:`has_role`; views and API views call them.
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

ROLES = ("hq", "manager", "rep", "erp")


def has_role(user, *roles: str) -> bool:
    """Whether the user holds one of the named roles: ``hq``, ``manager``, ``rep``, ``erp``."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"Unknown roles: {sorted(unknown)}")
    if user is None or not user.is_authenticated:
        return False
    held = {
        "hq": user.is_hq,
        "manager": user.is_manager,
        "rep": user.is_rep,
        "erp": user.is_erp_client,
    }
    return any(held[role] for role in roles)


def is_hq(user) -> bool:
    return has_role(user, "hq")


def manages(user) -> bool:
    """HQ admins and regional managers: the people who decide within their territories."""
    return has_role(user, "hq", "manager")


def require(allowed: bool) -> None:
    """403 unless ``allowed``."""
    if not allowed:
        raise PermissionDenied


class RoleRequiredMixin(LoginRequiredMixin, UserPassesTestMixin):
    """A page for some roles only: others get 403 (anonymous users go to the login)."""

    request: HttpRequest  # set by the view this is mixed into
    roles: tuple[str, ...] = ("hq",)
    raise_exception = False

    def test_func(self) -> bool:
        return has_role(self.request.user, *self.roles)

    def handle_no_permission(self):
        if self.request.user.is_authenticated:
            raise PermissionDenied
        return super().handle_no_permission()
