"""The agent's daily work around the conversation in hand: the inbox views (mine, waiting in
my queues, all, closed), unread markers, the composer's server-side drafts and per-agent
settings, and following up a closed conversation on the customer's channel
(docs/inbox.md)."""
