"""Web chat: the embeddable widget (`/widget.js`), its visitor socket (`/ws/webchat/`), and
delivery of agents' replies to it by push."""
