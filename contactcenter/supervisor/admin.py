from django.contrib import admin

from contactcenter.events.admin import ReadOnlyAdmin
from contactcenter.supervisor.models import StandingAlert


@admin.register(StandingAlert)
class StandingAlertAdmin(ReadOnlyAdmin):
    list_display = ("message", "kind", "raised_at")
    list_filter = ("kind",)
