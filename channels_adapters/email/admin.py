from django.conf import settings
from django.contrib import admin
from django.utils.html import format_html, format_html_join

from channels_adapters.email.models import EmailChannel


@admin.register(EmailChannel)
class EmailChannelAdmin(admin.ModelAdmin):
    list_display = ("name", "primary_address", "intake", "queue", "auto_acknowledge", "active")
    list_filter = ("intake", "active")
    search_fields = ("name", "addresses")
    readonly_fields = ("where_mail_goes",)
    fieldsets = (
        (None, {"fields": ("name", "active", "addresses", "queue")}),
        (
            "How mail arrives",
            {
                "fields": (
                    "intake",
                    "where_mail_goes",
                    "webhook_secret",
                    "signing_key",
                    "sns_certificate_url",
                    "sns_topic_arn",
                )
            },
        ),
        ("Replies", {"fields": ("from_name", "from_address", "mailer")}),
        ("Auto-acknowledgement", {"fields": ("auto_acknowledge", "acknowledgement_template")}),
        (
            "Limits",
            {"fields": ("reopen_window_seconds", "max_message_bytes", "sender_limit_per_hour")},
        ),
    )

    @admin.display(description="point your mail at")
    def where_mail_goes(self, channel: EmailChannel) -> str:
        """What to paste into the MTA or the ESP's console (docs/channels.md says more)."""
        if channel.intake == EmailChannel.Intake.SMTP:
            return format_html(
                "Deliver mail for {} to this platform's SMTP listener "
                "(<code>manage.py run_smtp --port N</code>; <code>make run</code>: port 2525).",
                ", ".join(channel.inboxes) or "the inboxes",
            )
        base = settings.PUBLIC_URL.split("://", 1)
        credentials = f"{channel.webhook_secret}@" if channel.webhook_secret else ""
        url = f"{base[0]}://{credentials}{base[-1]}/hooks/email/{channel.intake}/inbound/"
        rows = format_html_join("", "<li><code>{}</code></li>", [(url,)])
        return format_html("Webhook URL: <ul>{}</ul>", rows)
