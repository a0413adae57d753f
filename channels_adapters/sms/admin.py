from django.contrib import admin

from channels_adapters.sms.models import SmsConsent


@admin.register(SmsConsent)
class SmsConsentAdmin(admin.ModelAdmin):
    """Read-only: projected from the opt-out and opt-in events."""

    list_display = ["number", "opted_out", "keyword", "since"]
    list_filter = ["opted_out"]
    search_fields = ["number"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
