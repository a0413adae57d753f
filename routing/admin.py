from django import forms
from django.contrib import admin

from contactcenter.events.admin import ReadOnlyAdmin
from routing.models import (
    AgentCapacity,
    AgentProfile,
    AgentSkill,
    AgentState,
    AwayReason,
    BusinessCalendar,
    Disposition,
    EntryPoint,
    Holiday,
    OpeningHours,
    OverflowStep,
    Queue,
    QueueSkill,
    Skill,
    Team,
    Timer,
    channel_choices,
)


class QueueForm(forms.ModelForm):
    channels = forms.MultipleChoiceField(
        choices=channel_choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="The channels whose interactions this queue takes.",
    )

    class Meta:
        model = Queue
        fields = [
            "name",
            "channels",
            "priority",
            "strategy",
            "max_size",
            "sl_threshold_seconds",
            "sl_target_percent",
            "offer_timeout_seconds",
            "missed_offers_before_away",
            "wrap_up_limit_seconds",
            "dispositions",
            "known_agent_window_seconds",
            "calendar",
            "after_hours_action",
            "after_hours_message",
            "after_hours_queue",
        ]


class QueueSkillInline(admin.TabularInline):
    model = QueueSkill
    extra = 0


class OverflowStepInline(admin.TabularInline):
    model = OverflowStep
    fk_name = "queue"
    extra = 0


@admin.register(Queue)
class QueueAdmin(admin.ModelAdmin):
    form = QueueForm
    list_display = ("name", "channel_list", "priority", "strategy", "sl_target", "calendar")
    inlines = [QueueSkillInline, OverflowStepInline]
    filter_horizontal = ("dispositions",)
    fieldsets = [
        (None, {"fields": ["name", "channels", "priority", "strategy", "max_size"]}),
        ("Service level", {"fields": ["sl_threshold_seconds", "sl_target_percent"]}),
        (
            "Offers and wrap-up",
            {
                "fields": [
                    "offer_timeout_seconds",
                    "missed_offers_before_away",
                    "wrap_up_limit_seconds",
                    "dispositions",
                    "csat_survey",
                ]
            },
        ),
        ("Known-agent routing", {"fields": ["known_agent_window_seconds"]}),
        ("Screen pop", {"fields": ["screen_pop_url"]}),
        (
            "Business hours",
            {
                "fields": [
                    "calendar",
                    "after_hours_action",
                    "after_hours_message",
                    "after_hours_queue",
                ]
            },
        ),
    ]

    @admin.display(description="channels")
    def channel_list(self, queue: Queue) -> str:
        return ", ".join(queue.channels)

    @admin.display(description="service level")
    def sl_target(self, queue: Queue) -> str:
        return f"{queue.sl_target_percent}% in {queue.sl_threshold_seconds}s"


class AgentSkillInline(admin.TabularInline):
    model = AgentSkill
    extra = 0


class AgentCapacityInline(admin.TabularInline):
    """One row per channel whose capacity differs from the channel's default."""

    model = AgentCapacity
    extra = 0
    verbose_name = "capacity on a channel"
    verbose_name_plural = "Capacity per channel (channels without a row: their default)"


@admin.register(AgentProfile)
class AgentProfileAdmin(admin.ModelAdmin):
    list_display = ("name", "capacity_summary")
    list_filter = ("user__teams", "queues")
    search_fields = ("user__username", "display_name", "user__first_name", "user__last_name")
    filter_horizontal = ("queues",)
    inlines = [AgentCapacityInline, AgentSkillInline]
    fieldsets = [
        (None, {"fields": ["user", "display_name", "avatar_url", "queues"]}),
        ("Voice", {"fields": ["voice_blocks_other_work", "voice_endpoint"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("capacities")

    @admin.display(description="capacity")
    def capacity_summary(self, profile: AgentProfile) -> str:
        return ", ".join(f"{channel} {n}" for channel, n in profile.capacity().items())


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


class HolidayInline(admin.TabularInline):
    model = Holiday
    extra = 0


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    list_display = ("name", "timezone")
    inlines = [OpeningHoursInline, HolidayInline]


@admin.register(EntryPoint)
class EntryPointAdmin(admin.ModelAdmin):
    list_display = ("channel", "channel_key", "queue", "priority")
    list_filter = ("channel",)


admin.site.register(Skill)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    """Leads supervise the members only (docs/security.md, "Roles")."""

    list_display = ("name",)
    filter_horizontal = ("leads", "members")
    search_fields = ("name",)


admin.site.register(Disposition, list_display=("code", "label", "active"))
admin.site.register(AwayReason, list_display=("code", "label", "limit_minutes"))


@admin.register(AgentState)
class AgentStateAdmin(ReadOnlyAdmin):
    """Projected from the log: change presence through the console, not here."""

    list_display = (
        "agent_id",
        "presence",
        "away_reason",
        "presence_since",
        "activity",
        "missed_in_a_row",
    )
    list_filter = ("presence",)


@admin.register(Timer)
class TimerAdmin(ReadOnlyAdmin):
    list_display = ("key", "kind", "due_at", "interaction_id")
    list_filter = ("kind",)
