"""Files in conversations, both ways (docs/inbox.md, "Attachments"): what may be uploaded
(size and type limits from settings, the type sniffed from the bytes, never taken from the
name), how it is kept (Django's storage API, a fresh key per message, so erasure and retention
of one message's file touch nobody else's), thumbnails of images, and how a download is
served so a browser cannot run it. Who may upload or download is the caller's check: the
console's view (contactcenter/attachments/views.py, staff per contactcenter.access) and the
widget's (channels_adapters/webchat/files.py, the visitor's own conversation only)."""
