"""Phone calls over Twilio: the call runs its flow in TwiML, waits in queue hearing its place
and expected wait, and is connected to the agent who accepts it through the REST API."""
