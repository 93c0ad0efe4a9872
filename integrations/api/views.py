import django_filters
from rest_framework import mixins, viewsets

from dealerhub.core.api.pagination import SyncCursorPagination
from dealerhub.core.api.viewsets import ScopedViewSetMixin
from dealerhub.core.filters import SinceFilter

from ..models import RESOURCE_NAMES, Tombstone
from .serializers import TombstoneSerializer


class ChangesFilterSet(django_filters.FilterSet):
    since = SinceFilter(field_name="deleted_at")
    resource = django_filters.ChoiceFilter(choices=[(name, name) for name in RESOURCE_NAMES])

    class Meta:
        model = Tombstone
        fields = ["since", "resource"]


class ChangesPagination(SyncCursorPagination):
    page_size = 500

    def _fields(self, queryset) -> tuple[str, str]:
        return "deleted_at", "id"


class ChangesViewSet(ScopedViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Deletions (tombstones) of synced records in the caller's scope, oldest first.

    Pull it with `since` and follow `next`: together with each resource's
    `updated_since` list this gives a complete incremental sync.
    """

    sync_resource = "changes"
    serializer_class = TombstoneSerializer
    filterset_class = ChangesFilterSet
    pagination_class = ChangesPagination
    queryset = Tombstone.objects.all()
