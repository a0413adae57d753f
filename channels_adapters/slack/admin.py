from django import forms
from django.conf import settings
from django.contrib import admin, messages

from channels_adapters.slack.alerts import post_alert
from channels_adapters.slack.models import SlackChannel


class SlackChannelForm(forms.ModelForm):
    class Meta:
        model = SlackChannel
        fields = [
            "name",
            "team_id",
            "queue",
            "active",
            "signing_secret",
            "bot_token",
            "bot_user_id",
            "api_base_url",
            "alerts_channel",
        ]
        widgets = {
            # render_value: saving the form again keeps the secret; it is still never shown
            # in plain text on the page.
            "signing_secret": forms.PasswordInput(render_value=True),
            "bot_token": forms.PasswordInput(render_value=True),
        }


@admin.register(SlackChannel)
class SlackChannelAdmin(admin.ModelAdmin):
    form = SlackChannelForm
    list_display = ("name", "team_id", "queue", "bot_user_id", "alerts_channel", "active")
    list_filter = ("active",)
    actions = ["send_test_alert"]
    fieldsets = [
        (None, {"fields": ("name", "team_id", "queue", "active")}),
        (
            "Slack app credentials",
            {
                "fields": ("signing_secret", "bot_token", "bot_user_id", "api_base_url"),
                "description": (
                    f"Request URLs to paste into the Slack app: Event Subscriptions → "
                    f"{settings.PUBLIC_URL}/hooks/slack/events/ ; Interactivity → "
                    f"{settings.PUBLIC_URL}/hooks/slack/interactions/ (docs/channels.md, “Slack”)."
                ),
            },
        ),
        ("Supervisor alerts", {"fields": ("alerts_channel",)}),
    ]

    @admin.action(description="Post a test alert to the alerts channels")
    def send_test_alert(self, request, queryset) -> None:
        posted = post_alert("Test alert from the contact center: alerts reach this channel.")
        level = messages.SUCCESS if posted else messages.WARNING
        self.message_user(request, f"Posted to {posted} alerts channel(s).", level)
