from django import forms
from django.contrib import admin

from channels_adapters.meta import credentials
from channels_adapters.whatsapp.models import WhatsAppChannel


class WhatsAppChannelForm(forms.ModelForm):
    class Meta:
        model = WhatsAppChannel
        fields = [
            "name",
            "phone_number_id",
            "display_phone_number",
            *credentials.FIELDS,
            "templates",
        ]
        widgets = credentials.secret_widgets()


@admin.register(WhatsAppChannel)
class WhatsAppChannelAdmin(admin.ModelAdmin):
    form = WhatsAppChannelForm
    list_display = ("name", "phone_number_id", "display_phone_number", "active")
    list_filter = ("active",)
