from rest_framework import viewsets


class ScopedViewSetMixin:
    """Applies territory scoping to every API queryset: out of scope is a 404."""

    def get_queryset(self):
        return super().get_queryset().for_user(self.request.user)


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass
