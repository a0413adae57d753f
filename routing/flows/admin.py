"""Flows in Django admin. A flow that cannot run is refused on save, with every reason."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from routing.flows import engine
from routing.flows.models import Flow, FlowSession, FlowStep, Lookup
from routing.models import EntryPoint


class StepFormSet(forms.BaseInlineFormSet):
    """Checks the whole flow as it would be saved: steps, targets, reachability, loops."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        steps = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE"):
                continue
            step = FlowStep(**{k: v for k, v in data.items() if k not in {"DELETE", "id", "flow"}})
            try:
                steps[step.step_id] = step.as_step()
            except ValidationError as error:
                raise ValidationError(
                    f"step {step.step_id!r}: {'; '.join(error.messages)}"
                ) from None
        flow = self.instance
        problems = engine.validate(
            engine.FlowDefinition(
                key=flow.key or "", name=flow.name or "", start=flow.start_step or "", steps=steps
            )
        )
        if problems:
            raise ValidationError([f"This flow cannot run: {p}." for p in problems])


class StepInline(admin.StackedInline):
    model = FlowStep
    formset = StepFormSet
    extra = 0
    fieldsets = [
        (None, {"fields": [("step_id", "kind", "position"), "text"]}),
        ("Where next", {"fields": [("next_step", "fallback_step", "retries")]}),
        (
            "Depending on the kind",
            {
                "fields": [
                    "options",
                    ("attribute", "pattern"),
                    "assignments",
                    ("queue", "calendar"),
                    ("lookup", "inputs"),
                ]
            },
        ),
    ]


class EntryPointInline(admin.TabularInline):
    model = EntryPoint
    fields = ["channel", "channel_key", "queue", "priority"]
    extra = 0
    verbose_name_plural = "Entry points that start this flow"


@admin.register(Flow)
class FlowAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "start_step", "updated_at"]
    search_fields = ["name", "key"]
    inlines = [StepInline, EntryPointInline]


@admin.register(Lookup)
class LookupAdmin(admin.ModelAdmin):
    list_display = ["name", "url", "timeout_ms", "retries"]
    search_fields = ["name", "url"]
    fieldsets = [
        (None, {"fields": ["name", "url", "secret"]}),
        ("Trust", {"fields": ["trusted_ca"]}),
        ("When it is slow or down", {"fields": [("timeout_ms", "retries")]}),
        ("Circuit breaker", {"fields": [("failure_threshold", "open_seconds")]}),
    ]


@admin.register(FlowSession)
class FlowSessionAdmin(admin.ModelAdmin):
    """Read-only: projected from the log."""

    list_display = ["interaction_id", "flow", "current_step", "outcome", "started_at"]
    list_filter = ["flow", "outcome"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
