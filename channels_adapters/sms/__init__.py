"""SMS and MMS over Twilio: the inbound webhook, replies through the REST API, delivery
status callbacks, STOP/START/HELP, and segment counting for the composer."""
