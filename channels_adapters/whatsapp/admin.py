from django import forms
from django.contrib import admin

from channels_adapters.whatsapp.models import WhatsAppChannel


class WhatsAppChannelForm(forms.ModelForm):
    class Meta:
        model = WhatsAppChannel
        fields = [
            "name",
            "phone_number_id",
            "display_phone_number",
            "active",
            "app_secret",
            "verify_token",
            "access_token",
            "api_base_url",
            "api_version",
            "templates",
        ]
        widgets = {
            # render_value: saving the form again keeps the secret, never shown in plain text.
            "app_secret": forms.PasswordInput(render_value=True),
            "access_token": forms.PasswordInput(render_value=True),
        }


@admin.register(WhatsAppChannel)
class WhatsAppChannelAdmin(admin.ModelAdmin):
    form = WhatsAppChannelForm
    list_display = ("name", "phone_number_id", "display_phone_number", "active")
    list_filter = ("active",)
