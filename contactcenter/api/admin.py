from django.contrib import admin, messages

from contactcenter.api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "user",
        "prefix",
        "scopes",
        "expires_at",
        "can_read_events",
        "revoked",
        "last_used_at",
    )
    list_filter = ("revoked", "can_read_events")
    fields = (
        "name",
        "user",
        "scopes",
        "expires_at",
        "can_read_events",
        "revoked",
        "prefix",
        "created_at",
        "last_used_at",
    )
    readonly_fields = ("prefix", "created_at", "last_used_at")

    def save_model(self, request, obj: ApiToken, form, change: bool) -> None:
        key = None if change else obj.issue()
        super().save_model(request, obj, form, change)
        if key:
            self.message_user(
                request,
                f"The token's key is {key} — copy it now: it is stored only as a hash and "
                "cannot be shown again.",
                messages.WARNING,
            )
