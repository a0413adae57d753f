"""Voice's place among the channel adapters: prompts are spoken in the TwiML answer to
Twilio's own request, so the outbox has nothing to send (like web chat's push)."""

from channels_adapters import base


class VoiceAdapter:
    channel = "voice"
    capabilities = base.Capabilities(realtime=True, voice=True, delivered_by_push=True)

    def send(self, message: base.OutboundMessage) -> base.DeliveryResult:
        raise base.PermanentFailure("a call hears its prompts in TwiML; nothing is sent later")
