"""The shell around the flow engine, called by ingest inside its transaction: start a flow
when an entry point has one, hand it each message while the interaction is in self-service,
and turn the engine's result into the interaction's next step (a queue, or closed)."""

import dataclasses
import logging
import uuid

from django.conf import settings

from channels_adapters import base as channel_registry
from contactcenter import clock
from contactcenter.commands import command
from contactcenter.events import store
from contactcenter.events.types import DomainEvent
from contactcenter.interactions import commands as interactions
from contactcenter.interactions import events as ie
from contactcenter.interactions.domain import Interaction, State, stream_id
from contactcenter.interactions.ingest import InboundMessage
from crm.identities import InvalidIdentity, e164
from routing import config, offers
from routing.flows import engine, lookups, virtual_agent_shell
from routing.flows.definition import Kind
from routing.flows.models import Flow, FlowStep
from routing.models import EntryPoint
from routing.offers import enqueue_events, then

log = logging.getLogger(__name__)


def _runs_flows(channel: str, entry: EntryPoint | None = None) -> bool:
    """Does a flow meet this channel's customers? On a channel of live turns, yes. By mail,
    only one that opens with a virtual agent: nobody answers a menu by mail, but a question
    answered from the knowledge base saves the customer a day's wait."""
    return _live_turns(channel) or _opens_with_virtual_agent(entry)


def _live_turns(channel: str) -> bool:
    known = channel_registry.channel(channel)
    return known is None or known.self_service


def _opens_with_virtual_agent(entry: EntryPoint | None) -> bool:
    if entry is None or entry.flow is None:
        return False
    # The rows, not the definition: a flow edited past admin's checks must not make every
    # mail to the inbox fail (admit logs it and queues instead).
    return FlowStep.objects.filter(
        flow=entry.flow, step_id=entry.flow.start_step, kind=Kind.VIRTUAL.value
    ).exists()


def _by_mail(channel: str, events: list[DomainEvent]) -> list[DomainEvent]:
    """A turn's prompts as one message on a channel without live turns: a mail that greets
    and then answers, not two mails a second apart. (Where the last prompt was: the options
    are the last one's.)"""
    if _live_turns(channel):
        return events
    prompts = [e for e in events if isinstance(e, ie.MessageSent) and e.author == "flow"]
    if len(prompts) < 2:
        return events
    text = "\n\n".join(p.text for p in prompts if p.text)
    one = dataclasses.replace(prompts[-1], text=text)
    merged = {id(p) for p in prompts[:-1]}
    return [one if e is prompts[-1] else e for e in events if id(e) not in merged]


def entry_point(channel: str, channel_key: str) -> EntryPoint | None:
    """The entry point an interaction on this channel arrives at: its own, else the '*' one."""
    entries = {
        e.channel_key: e
        for e in EntryPoint.objects.filter(
            channel=channel, channel_key__in=[channel_key, "*"]
        ).select_related("flow")
    }
    return entries.get(channel_key) or entries.get("*")


def with_flow(channel: str, channel_key: str) -> EntryPoint | None:
    """The entry point, if it has a flow: routing's configuration snapshot answers "none"
    without a query, as it does for every new interaction of a channel without flows."""
    snapshot = config.current()
    known = snapshot.entry_points.get((channel, channel_key)) or snapshot.entry_points.get(
        (channel, "*")
    )
    if known is None or known.flow_id is None:
        return None
    return entry_point(channel, channel_key)


def admit(interaction: Interaction, message: InboundMessage, now) -> list[DomainEvent] | None:
    """A new interaction at an entry point with a flow starts it; None when there is none
    (or the channel skips flows, as e-mail does: see `acknowledge`)."""
    entry = with_flow(interaction.channel, interaction.channel_key)
    if entry is None or entry.flow is None or not _runs_flows(interaction.channel, entry):
        return None
    flow = entry.flow.definition()
    if problems := engine.validate(flow):  # edited past admin's checks: do not strand anyone
        log.error("flow %s cannot run (%s): queueing instead", flow.key, "; ".join(problems))
        return None
    events = interaction.start_self_service(flow.key)
    ctx = _context(interaction, message, now)
    result = engine.start(flow, ctx)
    result = virtual_agent_shell.answer_at_once(flow, events, result, message.text, ctx)
    said = _by_mail(interaction.channel, result.events)
    return events + said + _next_step(interaction, events + said, result, entry)


def answer(interaction: Interaction, message: InboundMessage) -> list[DomainEvent]:
    """A message while in self-service is the answer to the step the flow waits on."""
    if interaction.state is not State.SELF_SERVICE:
        return []
    session = engine.Session.from_events(
        e.payload for e in store.read_stream(stream_id(interaction.id))
    )
    if not session.running:
        return []
    now = clock.now()
    reply = engine.Reply(
        text=message.text,
        choice=str(message.channel_data.get("flow_choice", "") or ""),
        has_media=bool(message.attachments),
    )
    ctx = _context(interaction, message, now)
    flow_row = Flow.objects.filter(key=session.flow).first()
    if flow_row is None:
        log.error("flow %s was deleted mid-conversation: queueing", session.flow)
        result = engine.Result(route=engine.Route(None, "queued"))
    else:
        flow = flow_row.definition()
        reply = virtual_agent_shell.reply_for(flow, session, reply, interaction.channel)
        result = engine.answer(flow, session, reply, ctx)
    entry = entry_point(interaction.channel, interaction.channel_key)
    said = _by_mail(interaction.channel, result.events)
    return said + _next_step(interaction, said, result, entry)


def acknowledge(interaction: Interaction, message: InboundMessage) -> list[DomainEvent]:
    """A channel that skips flows (e-mail): a new interaction gets the entry flow's
    acknowledgement, if it has one. (An admitter after routing's: it sees it already queued.)"""
    if interaction.version != 0 or message.automated:
        return []
    entry = with_flow(interaction.channel, interaction.channel_key)
    if _runs_flows(interaction.channel, entry):
        return []
    if entry is None or entry.flow is None or not entry.flow.email_acknowledgement.strip():
        return []
    return [
        ie.MessageSent(
            interaction_id=interaction.id,
            message_id=str(uuid.uuid4()),
            channel=interaction.channel,
            author="system",
            author_name=entry.flow.name,
            text=entry.flow.email_acknowledgement,
            subject=f"Re: {message.subject}" if message.subject else "",
        )
    ]


def _next_step(
    interaction: Interaction,
    pending: list[DomainEvent],
    result: engine.Result,
    entry: EntryPoint | None,
) -> list[DomainEvent]:
    now = clock.now()
    after = then(interaction, pending, now)
    if result.close:
        return after.close("self_service")
    route = result.route
    if route is None:
        return []  # waits for the customer's answer
    queues = config.current().queues
    queue = queues.get(route.queue_id or -1)
    if queue is None or interaction.channel not in queue.channels:
        fallback = queues.get(entry.queue_id) if entry else None
        if route.queue_id is not None:
            log.warning(
                "flow queue %s does not take %s: using the entry point's",
                route.queue_id,
                interaction.channel,
            )
        queue = fallback
    if queue is None:
        log.warning("no queue for interaction %s after its flow: it waits unrouted", after.id)
        return []
    base = queue.priority + (entry.priority if entry else 0)
    return enqueue_events(
        after,
        queue,
        now,
        reason="arrived",
        priority=base + route.priority,
        required_skills=route.required_skills,
    )


def _context(interaction: Interaction, message: InboundMessage, now) -> engine.Context:
    number = ""
    on_a_phone = channel_registry.identity_kind(interaction.channel) == "phone"
    if on_a_phone and message.sender_kind == "phone":
        try:
            number = e164(message.sender_address, settings.DEFAULT_PHONE_REGION)
        except InvalidIdentity:
            number = ""
    from contactcenter.labels import current

    return engine.Context(
        interaction_id=interaction.id,
        channel=interaction.channel,
        now=now,
        customer_number=number,
        labels=frozenset(
            current.labels("customer", interaction.customer_id)
            + current.labels("conversation", interaction.id)
        ),
        attributes={
            **current.attributes("customer", interaction.customer_id),
            **current.attributes("conversation", interaction.id),
        },
        look_up=lookups.ask,
    )


@command
def give_up(interaction_id: str) -> None:
    """The router's timer: the customer did not answer the flow in time and has left
    (abandoned at their step). Nothing, if the flow moved on meanwhile."""
    interaction = interactions.load(interaction_id)
    if interaction.state is State.SELF_SERVICE:
        offers.abandon(interaction_id, reason="no_answer")
