from django.contrib import admin

from contactcenter.console.models import CannedResponse


@admin.register(CannedResponse)
class CannedResponseAdmin(admin.ModelAdmin):
    list_display = ("title", "shortcut", "active")
    list_filter = ("active", "queues")
    search_fields = ("title", "text", "shortcut")
    filter_horizontal = ("queues",)
