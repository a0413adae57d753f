"""WhatsApp through Meta's Cloud API: signed webhooks in (messages, media, delivery and read
statuses), the Graph API out, and the 24-hour customer-service window outside which only an
approved template may be sent. One folder and one INSTALLED_APPS line (docs/channels.md)."""
