"""Which interaction a Slack message belongs to.

- A reply in a thread we know (its threading key team:channel:thread_ts) joins that thread's
  interaction; ingest finds it and reopens it within the reopen window.
- In a direct message with our app, a customer rarely opens threads: a top-level message (or a
  reply in a thread we do not know) joins the customer's live interaction in that DM, or the
  one we started with them (outbound, no thread yet); otherwise it starts a new interaction,
  threaded on itself, and our replies go into that thread.
- Anywhere else (a Slack Connect channel), every top-level message is a new conversation.
"""

from channels_adapters.slack.inbound import Written
from contactcenter.interactions.domain import ENDED
from contactcenter.interactions.ingest import InboundMessage
from contactcenter.interactions.models import Interaction, ThreadKey
from crm import customers
from crm.identities import Identity, IdentityKind


def inbound_message(written: Written, channel_key: str, *, event_id: str) -> InboundMessage:
    interaction_id = None
    in_known_thread = written.is_reply and _known_thread(written, channel_key)
    if written.channel_type == "im" and not in_known_thread:
        interaction_id = _live_dm_interaction(written, channel_key)
    return InboundMessage(
        channel="slack",
        channel_key=channel_key,
        sender_kind="slack",
        sender_address=written.sender_address,
        sender_name=written.sender_name,
        threading_key=written.threading_key,
        interaction_id=interaction_id,
        external_id=written.external_id,
        text=written.text,
        attachments=written.attachments,
        channel_data={
            "team": written.team,
            "channel": written.channel,
            "channel_type": written.channel_type,
            "ts": written.ts,
            "thread_ts": written.thread_ts,
            "event_id": event_id,
            **({"files": list(written.files)} if written.files else {}),
        },
    )


def _known_thread(written: Written, channel_key: str) -> bool:
    key = ThreadKey.make("slack", channel_key, written.threading_key)
    return ThreadKey.objects.filter(key=key).exists()


def _live_dm_interaction(written: Written, channel_key: str) -> str | None:
    customer_id = customers.find(Identity(IdentityKind.SLACK, written.sender_address.upper()))
    if customer_id is None:
        return None
    in_this_dm = f"{written.team}:{written.channel}:"
    live = (
        Interaction.objects.filter(
            channel="slack", channel_key=channel_key, customer_id=customer_id
        )
        .exclude(state__in=[str(s) for s in ENDED])
        .order_by("-created_at")
        .values_list("id", "threading_key")
    )
    for interaction_id, key in live:
        if key.startswith(in_this_dm) or not key:
            return interaction_id
    return None
