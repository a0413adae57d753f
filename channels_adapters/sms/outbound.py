"""Replies to SMS customers, through Twilio's REST client (the outbox retries)."""

import logging
from urllib.parse import urlencode

from channels_adapters import base
from channels_adapters.sms import consent
from channels_adapters.twilio.client import client, delivery_error
from channels_adapters.twilio.models import TwilioChannel

log = logging.getLogger(__name__)
MAX_LENGTH = 1600  # Twilio's limit for one message body; it splits it into segments


class SmsAdapter:
    channel = "sms"
    capabilities = base.Capabilities(realtime=False, attachments=True, max_length=MAX_LENGTH)

    def send(self, message: base.OutboundMessage) -> base.DeliveryResult:
        channel = TwilioChannel.objects.filter(phone_number=message.channel_key).first()
        if channel is None or not channel.sms_enabled:
            raise base.PermanentFailure(f"no Twilio SMS channel for {message.channel_key}")
        if not message.to_address:
            raise base.PermanentFailure("the customer has no phone number")
        if consent.is_opted_out(message.to_address):
            raise base.PermanentFailure(
                f"not sent: {message.to_address} opted out of SMS (replied STOP) "
                "and has not replied START since"
            )
        body = base.text_menu(message.text, message.channel_data)[:MAX_LENGTH]
        media = [a["url"] for a in message.attachments if a.get("url")]
        callback = channel.url(
            "/hooks/twilio/sms/status/?"
            + urlencode({"interaction": message.interaction_id, "message": message.message_id})
        )
        retry = f" ({message.retry})" if message.retry else ""
        log.info("SMS to %s from %s%s: %r", message.to_address, channel.phone_number, retry, body)
        try:
            sent = client(channel).messages.create(
                to=message.to_address,
                from_=channel.phone_number,
                body=body,
                media_url=media or None,
                status_callback=callback,
            )
        except Exception as error:
            raise delivery_error(error) from error
        return base.DeliveryResult(status=sent.status or "queued", external_id=sent.sid or "")
