"""Outgoing webhooks: each subscription follows the event log from its own checkpoint and
POSTs every event it wants, signed, in log order (so in order per stream), at least once.
docs/webhooks.md is the integrator's side of it."""
