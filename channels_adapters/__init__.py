"""One package per channel (webchat, email, sms, voice, slack). Each verifies what arrives,
normalises it into `contactcenter.interactions.ingest.InboundMessage`, and sends outbound
through the small interface in `channels_adapters.base`. Nothing outside this folder knows a
provider's wire format."""
