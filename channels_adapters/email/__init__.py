"""The e-mail channel: one package holding all of it.

Inbound mail arrives over SMTP (`listener.py`: `manage.py run_smtp`, and a thread of
`make run`) or an ESP's inbound webhook (`webhooks.py`: Mailgun, SendGrid, Postmark, Amazon
SES at `POST /hooks/email/<esp>/inbound/`). Both hand the message to `intake.receive`, which
parses it (`parsing.py`), tells people from robots (`noise.py`, with `bounces.py`,
`auto_replies.py` and `mailing_lists.py`: the signals of each kind), threads it
(`threads.py`: In-Reply-To, References, then the reply token of `addresses.py`), stores its
files (`storage.py`) and appends it with `ingest()` plus, for a new conversation, the
auto-acknowledgement. Outbound, `outbound.EmailAdapter` sends each MessageSent through
Django's mail API with our Message-ID, In-Reply-To, References and the reply-token address.
Configuration is `models.EmailChannel` (admin); `projections.py` keeps the Message-ID and
attachment indexes. docs/channels.md tells an operator how to point mail at us.

For the agent console, three things:

1. `quoting.split_message(text, html) -> MessageParts` (pure): what of a stored message to
   show (`.text`, `.html`) and what to fold away but keep (`.text_signature`,
   `.text_quoted`, `.html_signature`, `.html_quoted`). The HTML parts are sanitised.
2. `replies.reply_defaults(interaction_id) -> ReplyDefaults`: the composer's `to`, `cc`,
   `subject` (the customer's current one, "Re: " added once), `quoted_text`/`quoted_html`
   (the last message under an "On …, X wrote:" line). Send with
   `interactions.commands.send_message(..., subject=..., text=..., html=...,
   channel_data={"cc": [...], "to": [...]})`; `to` is optional (default: the customer).
3. `GET /attachments/<storage key>` (`views.attachment`): the download of a stored file,
   for users who may open an interaction it belongs to (`contactcenter.access.can_open`);
   each stored attachment's `url` in the transcript is this link, and inline images in the
   sanitised HTML already point at it.
"""
