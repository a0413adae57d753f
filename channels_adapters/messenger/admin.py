from django import forms
from django.contrib import admin

from channels_adapters.messenger.models import MessengerPage
from channels_adapters.meta import credentials


class MessengerPageForm(forms.ModelForm):
    class Meta:
        model = MessengerPage
        fields = ["name", "platform", "page_id", *credentials.FIELDS]
        widgets = credentials.secret_widgets()


@admin.register(MessengerPage)
class MessengerPageAdmin(admin.ModelAdmin):
    form = MessengerPageForm
    list_display = ("name", "platform", "page_id", "active")
    list_filter = ("platform", "active")
