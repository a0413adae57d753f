from django import forms
from django.contrib import admin

from channels_adapters.twilio.models import TwilioChannel


class TwilioChannelForm(forms.ModelForm):
    class Meta:
        model = TwilioChannel
        fields = "__all__"  # noqa: DJ007 — every field is the admin's to set
        widgets = {"auth_token": forms.PasswordInput(render_value=True)}


@admin.register(TwilioChannel)
class TwilioChannelAdmin(admin.ModelAdmin):
    form = TwilioChannelForm
    list_display = ["name", "phone_number", "sms_enabled", "voice_enabled", "webhook_base"]
    readonly_fields = ["webhooks"]
    fieldsets = [
        (None, {"fields": ["name", "phone_number", ("sms_enabled", "voice_enabled")]}),
        ("Twilio account", {"fields": ["account_sid", "auth_token", "api_base_url"]}),
        ("Webhooks", {"fields": ["public_url", "webhooks"]}),
        ("SMS", {"fields": ["help_text"]}),
        (
            "Voice",
            {"fields": [("voice_language", "tts_voice"), "hold_music_url", "callback_key"]},
        ),
    ]

    @admin.display(description="webhooks base")
    def webhook_base(self, channel: TwilioChannel) -> str:
        return channel.base_url

    @admin.display(description="paste into Twilio's console")
    def webhooks(self, channel: TwilioChannel) -> str:
        return (
            f"Messaging, a message comes in: POST {channel.url('/hooks/twilio/sms/')} — "
            f"Voice, a call comes in: POST {channel.url('/hooks/twilio/voice/')} — "
            f"Voice, call status changes: POST {channel.url('/hooks/twilio/voice/status/')}"
        )
