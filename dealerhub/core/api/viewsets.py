import logging
import time
from typing import ClassVar

from rest_framework import exceptions, permissions, viewsets

from accounts.models import ApiToken

from .throttling import TokenRateThrottle

logger = logging.getLogger("dealerhub.api")


class TokenScopePermission(permissions.BasePermission):
    """An ERP client's token reaches only the resources it is scoped to (404 elsewhere).

    Human users' personal tokens and browser sessions follow their role instead.
    """

    def has_permission(self, request, view) -> bool:
        if not isinstance(request.auth, ApiToken):
            return True
        client = getattr(request.user, "api_client", None)
        if client is None:
            return True
        resource = getattr(view, "sync_resource", None)
        write = request.method not in permissions.SAFE_METHODS
        if resource is None or not client.can(resource, write=write):
            raise exceptions.NotFound()
        return True


class ScopedViewSetMixin:
    """Every API viewset: territory scoping (404 outside), token resource scopes,
    per-token throttling and a request log line naming the client."""

    sync_resource: ClassVar[str | None] = None

    def get_queryset(self):
        return super().get_queryset().for_user(self.request.user)

    def get_permissions(self):
        return [*super().get_permissions(), TokenScopePermission()]

    def get_throttles(self):
        return [*super().get_throttles(), TokenRateThrottle()]

    def initial(self, request, *args, **kwargs):
        self._started = time.monotonic()
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(getattr(request, "auth", None), ApiToken):
            client = getattr(request.user, "api_client", None)
            logger.info(
                "api client=%s user=%s %s %s -> %s in %.0f ms",
                client.name if client else "-",
                request.user.username,
                request.method,
                request.get_full_path(),
                response.status_code,
                (time.monotonic() - getattr(self, "_started", time.monotonic())) * 1000,
            )
        return response


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass
