from django import forms
from django.contrib import admin

from channels_adapters.messenger.models import MessengerPage


class MessengerPageForm(forms.ModelForm):
    class Meta:
        model = MessengerPage
        fields = [
            "name",
            "platform",
            "page_id",
            "active",
            "app_secret",
            "verify_token",
            "access_token",
            "api_base_url",
            "api_version",
        ]
        widgets = {
            # render_value: saving the form again keeps the secret, never shown in plain text.
            "app_secret": forms.PasswordInput(render_value=True),
            "access_token": forms.PasswordInput(render_value=True),
        }


@admin.register(MessengerPage)
class MessengerPageAdmin(admin.ModelAdmin):
    form = MessengerPageForm
    list_display = ("name", "platform", "page_id", "active")
    list_filter = ("platform", "active")
