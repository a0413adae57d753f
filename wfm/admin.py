from django.contrib import admin

from wfm.models import Availability, Contract, ShiftTemplate, SpecialDay


@admin.register(ShiftTemplate)
class ShiftTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "minutes", "earliest_start", "latest_start", "start_step_minutes")


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = ("agent", "min_hours_per_week", "max_hours_per_week", "max_days_per_week")
    filter_horizontal = ("templates",)


@admin.register(Availability)
class AvailabilityAdmin(admin.ModelAdmin):
    list_display = ("agent", "weekday", "available_from", "available_to")
    list_filter = ("weekday",)


@admin.register(SpecialDay)
class SpecialDayAdmin(admin.ModelAdmin):
    list_display = ("date", "queue", "factor", "name")
