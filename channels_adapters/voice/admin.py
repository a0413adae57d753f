from django.contrib import admin

from channels_adapters.voice.models import Call, Callback, RecordingPolicy


class ReadOnly(admin.ModelAdmin):
    """Projected from the call events: never edited by hand."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Call)
class CallAdmin(ReadOnly):
    list_display = ["call_sid", "direction", "customer_number", "status", "started_at", "agent_id"]
    list_filter = ["direction", "status"]
    search_fields = ["call_sid", "customer_number", "interaction_id"]


@admin.register(Callback)
class CallbackAdmin(ReadOnly):
    list_display = ["interaction_id", "number", "source", "requested_at", "placed_at"]


@admin.register(RecordingPolicy)
class RecordingPolicyAdmin(admin.ModelAdmin):
    list_display = ["queue", "record", "announcement"]
