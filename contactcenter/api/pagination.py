from rest_framework.pagination import CursorPagination


class Cursor(CursorPagination):
    """Stable pages however many rows arrive meanwhile: `?cursor=` from `next`/`previous`."""

    page_size = 50
    max_page_size = 500
    page_size_query_param = "limit"
    ordering = "-created_at"
