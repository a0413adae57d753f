"""What SMS and voice share about Twilio: the configured numbers with their credentials,
request signatures, the REST client (with a configurable API base URL) and public URLs."""
