from django import forms
from django.contrib import admin
from import_export.admin import ImportMixin
from import_export.forms import ConfirmImportForm, ImportForm

from outbound.importing import CampaignContactResource, DoNotCallResource
from outbound.models import (
    Campaign,
    CampaignContact,
    DialAttempt,
    DoNotCallList,
    DoNotCallNumber,
    RetryRule,
)


class RetryRuleInline(admin.TabularInline):
    model = RetryRule
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("name", "active", "mode", "queue", "window_start", "window_end", "max_attempts")
    list_filter = ("active", "mode")
    inlines = [RetryRuleInline]
    filter_horizontal = ("do_not_call_lists",)
    fieldsets = [
        (None, {"fields": ("name", "active", "mode", "queue", "twilio_channel", "script")}),
        (
            "Calling window (the contact's local time)",
            {"fields": ("window_start", "window_end", "window_days")},
        ),
        ("Attempts", {"fields": ("max_attempts", "machine_detection", "do_not_call_lists")}),
        (
            "Predictive pacing",
            {
                "fields": (
                    "abandon_cap",
                    "abandon_window_hours",
                    "max_lines_per_agent",
                    "no_agent_message",
                )
            },
        ),
    ]


def _choice_forms(name: str, queryset_of):
    """An import form and its confirm step with one extra required choice (`name`)."""

    class Import(ImportForm):
        pass

    class Confirm(ConfirmImportForm):
        pass

    for form in (Import, Confirm):
        form.base_fields[name] = forms.ModelChoiceField(queryset=queryset_of(), required=True)
    return Import, Confirm


class _ChoiceImportMixin(ImportMixin):
    choice: str

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form:
            initial[self.choice] = import_form.cleaned_data[self.choice].pk
        return initial

    def get_import_resource_kwargs(self, request, **kwargs):
        form = kwargs.get("form")
        chosen = form.cleaned_data.get(self.choice) if form and form.is_valid() else None
        return {self.resource_arg: chosen}


ContactImportForm, ContactConfirmForm = _choice_forms("campaign", Campaign.objects.all)


@admin.register(CampaignContact)
class CampaignContactAdmin(_ChoiceImportMixin, admin.ModelAdmin):
    resource_classes = [CampaignContactResource]
    import_form_class = ContactImportForm
    confirm_form_class = ContactConfirmForm
    choice = resource_arg = "campaign"
    list_display = ("phone", "name", "campaign", "time_zone", "customer_id")
    list_filter = ("campaign",)
    search_fields = ("phone", "name", "customer_id")
    readonly_fields = ("customer_id",)


DncImportForm, DncConfirmForm = _choice_forms("dnc_list", DoNotCallList.objects.all)


@admin.register(DoNotCallNumber)
class DoNotCallNumberAdmin(_ChoiceImportMixin, admin.ModelAdmin):
    resource_classes = [DoNotCallResource]
    import_form_class = DncImportForm
    confirm_form_class = DncConfirmForm
    choice = resource_arg = "dnc_list"
    list_display = ("phone", "list", "reason", "added_at")
    list_filter = ("list",)
    search_fields = ("phone",)


@admin.register(DoNotCallList)
class DoNotCallListAdmin(admin.ModelAdmin):
    list_display = ("name", "internal", "source")


@admin.register(DialAttempt)
class DialAttemptAdmin(admin.ModelAdmin):
    """Read-only: attempts are facts from the log."""

    list_display = ("phone", "campaign_id", "mode", "agent", "status", "outcome", "placed_at")
    list_filter = ("mode", "status", "outcome")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
