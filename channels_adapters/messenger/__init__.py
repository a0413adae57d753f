"""Facebook Messenger and Instagram Direct through Meta's webhooks (signed with
X-Hub-Signature-256, the page's own echoes ignored) and the Send API, with flow menus as quick
replies. One folder and one INSTALLED_APPS line (docs/channels.md)."""
