"""The Slack channel: customers write to our Slack app (a DM, or a Slack Connect channel shared
with their company); each Slack thread is an interaction, each Slack user a customer identity
(`slack`, `TEAM:USER`). Inbound arrives on the Events API and the interactivity endpoint,
outbound goes through slack-sdk's WebClient. docs/channels.md says how to set up the app."""
