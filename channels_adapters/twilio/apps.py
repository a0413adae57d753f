from django.apps import AppConfig


class TwilioConfig(AppConfig):
    name = "channels_adapters.twilio"
    label = "twilio_channels"
    verbose_name = "Twilio"
