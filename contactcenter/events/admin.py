import json

from django.contrib import admin
from django.utils.html import format_html

from contactcenter.events import sealing
from contactcenter.events.models import Event, ProjectionCheckpoint


def pretty_json(value) -> str:
    return format_html(
        '<pre style="white-space: pre-wrap; margin: 0">{}</pre>',
        json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False),
    )


class ReadOnlyAdmin(admin.ModelAdmin):
    """The log is never edited: no add, change or delete, for anyone."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ("position", "type", "stream_id", "version", "actor", "occurred_at")
    list_filter = ("type",)
    search_fields = ("=stream_id", "=idempotency_key", "=type")
    ordering = ("-position",)
    list_per_page = 100
    show_full_result_count = False
    fields = (
        "position",
        "stream_id",
        "version",
        "type",
        "pretty_data",
        "pretty_metadata",
        "occurred_at",
        "recorded_at",
        "idempotency_key",
        "txid",
    )

    @admin.display(description="actor")
    def actor(self, event: Event) -> str:
        return event.metadata.get("actor", "")

    @admin.display(description="data")
    def pretty_data(self, event: Event) -> str:
        # As every reader of the log sees it: personal fields opened, or "erased".
        return pretty_json(sealing.open_all([(event.type, event.data)])[0])

    @admin.display(description="metadata")
    def pretty_metadata(self, event: Event) -> str:
        return pretty_json(event.metadata)


@admin.register(ProjectionCheckpoint)
class ProjectionCheckpointAdmin(ReadOnlyAdmin):
    list_display = ("name", "position", "updated_at")
