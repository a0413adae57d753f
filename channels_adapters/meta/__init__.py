"""What Meta's messaging products share (WhatsApp Cloud API, Messenger, Instagram Direct):
webhooks signed with the app secret (X-Hub-Signature-256) and subscribed with the hub.challenge
handshake, and the Graph API that takes outbound messages. A provider package like `twilio`:
no models, no app of its own; the `whatsapp` and `messenger` adapters build on it."""
