from rest_framework.pagination import CursorPagination


class SyncCursorPagination(CursorPagination):
    """Opaque cursor ordered by (updated_at, id): stable while writes happen between pages."""

    ordering = ("updated_at", "id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 1000
