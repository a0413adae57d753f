"""A Twilio number the contact center answers, with the account it belongs to."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from crm.identities import InvalidIdentity, e164

TWILIO_API = "https://api.twilio.com"
HOLD_MUSIC = "http://com.twilio.music.classical.s3.amazonaws.com/BusyStrings.mp3"


class TwilioChannel(models.Model):
    name = models.CharField(max_length=100)
    phone_number = models.CharField(
        max_length=20, unique=True, help_text="The Twilio number, E.164 (+15005550006)."
    )
    account_sid = models.CharField("account SID", max_length=64)
    auth_token = models.CharField(
        max_length=64, help_text="Signs Twilio's webhooks and authenticates our API calls."
    )
    sms_enabled = models.BooleanField("SMS", default=True)
    voice_enabled = models.BooleanField("voice", default=True)
    public_url = models.URLField(
        blank=True,
        help_text="The base URL Twilio calls (as configured in Twilio's console), when it is "
        "not PUBLIC_URL: signatures are checked against it, so it works behind a proxy.",
    )
    api_base_url = models.URLField(
        "API base URL",
        blank=True,
        help_text=f"Empty: {TWILIO_API}. Tests point it at a local server.",
    )
    help_text = models.CharField(
        "SMS HELP reply",
        max_length=300,
        default="Reply to talk with us. Reply STOP to stop messages, START to receive them again.",
    )
    voice_language = models.CharField(max_length=10, default="en-US")
    tts_voice = models.CharField(
        "text-to-speech voice", max_length=40, default="Polly.Joanna", help_text="<Say voice>"
    )
    hold_music_url = models.URLField(default=HOLD_MUSIC)
    callback_key = models.CharField(
        max_length=1,
        default="9",
        blank=True,
        help_text="While waiting, this key hangs up and keeps the caller's place: we call back. "
        "Empty: no callbacks from the queue.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "Twilio number"

    def __str__(self) -> str:
        return f"{self.name} ({self.phone_number})"

    def clean(self) -> None:
        try:
            self.phone_number = e164(self.phone_number, settings.DEFAULT_PHONE_REGION)
        except InvalidIdentity as error:
            raise ValidationError({"phone_number": str(error)}) from None
        if self.callback_key and self.callback_key not in "0123456789*#":
            raise ValidationError({"callback_key": "Use a key of the phone: 0-9, * or #."})

    @property
    def base_url(self) -> str:
        """Where Twilio reaches us: this channel's public URL, else PUBLIC_URL."""
        return (self.public_url or settings.PUBLIC_URL).rstrip("/")

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"
