"""What an agent's console shows, read from the projections (and the customer's history from
the log). A console that reconnects, or notices a missed push, asks for these again: this is
the "fresh page load" that pushes must converge to."""

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, User
from django.db.models import Q

from contactcenter import access
from contactcenter.console import screen_pop
from contactcenter.console.models import CannedResponse
from contactcenter.events import row_statements, store
from contactcenter.events.store import RecordedEvent
from contactcenter.interactions import activity
from contactcenter.interactions.models import Interaction, TranscriptEntry
from contactcenter.labels import current as labelling
from contactcenter.roles import is_supervisor
from contactcenter.scripts import commands as scripts
from crm import customers, timeline
from crm.identities import IdentityKind, InvalidIdentity, normalise
from crm.models import Customer
from crm.timeline import customer_row, customer_timeline, profile_changes
from routing import config
from routing.models import AgentState, AwayReason

HELD = ("offered", "active", "wrap_up")


def me(user: AbstractBaseUser) -> dict[str, Any]:
    state = AgentState.objects.filter(pk=user.pk).first() or AgentState(agent_id=user.pk)
    profile = config.agent(user.pk)
    return {
        "id": user.pk,
        "username": user.get_username(),
        "name": profile.name if profile else user.get_full_name() or user.get_username(),
        "is_agent": profile is not None,
        "is_supervisor": is_supervisor(user),
        "presence": state.presence,
        "away_reason": state.away_reason,
        "presence_since": state.presence_since.isoformat() if state.presence_since else None,
        "capacity": profile.capacity if profile else {},
        "queues": sorted(profile.queues) if profile else [],
        "load": state.load(),
        # The console asks for a fresh snapshot at least this often: a push lost on the way
        # (Redis restarting, say) is repaired within this many seconds.
        "resync_seconds": settings.CONSOLE_RESYNC_SECONDS,
    }


def snapshot(user: AbstractBaseUser) -> dict[str, Any]:
    """Everything the console needs after (re)connecting."""
    position = store.last_position()
    held = Interaction.objects.filter(
        Q(agent_id=user.pk, state__in=HELD) | Q(offer_agent_id=user.pk, state="offered")
    )
    snapshot_config = config.current(recheck=True)  # queues and colleagues as they are now
    return {
        "type": "snapshot",
        "position": position,
        "me": me(user),
        "interactions": [interaction_view(row.id, user) for row in held],
        "queues": [
            {"id": q.queue_id, "name": q.name, "channels": list(q.channels)}
            for q in snapshot_config.queues.values()
        ],
        "agents": agent_directory(),
        "away_reasons": [{"code": r.code, "label": r.label} for r in AwayReason.objects.all()],
        "canned": [
            {"id": c.pk, "title": c.title, "shortcut": c.shortcut}
            for c in CannedResponse.objects.filter(active=True)
        ],
        "alerts": standing_alerts(),
    }


def agent_directory() -> list[dict[str, Any]]:
    """Agents to transfer to, with their presence now ("disconnected" while an agent's console
    is gone and the grace period runs)."""
    presence = {
        agent_id: "disconnected" if disconnected and now != "offline" else now
        for agent_id, now, disconnected in AgentState.objects.values_list(
            "agent_id", "presence", "disconnected_since"
        )
    }
    return sorted(
        (
            {
                "id": a.agent_id,
                "name": a.name,
                "presence": presence.get(a.agent_id, "offline"),
                "is_supervisor": a.is_supervisor,
            }
            for a in config.current().agents.values()
        ),
        key=lambda a: a["name"].lower(),
    )


def name_of(kind: str, key: Any) -> str:
    """A person's or a queue's name now, for activity lines ('' if unknown)."""
    if key is None:
        return ""
    snapshot = config.current()
    if kind == "queue":
        queue = snapshot.queues.get(key)
        return queue.name if queue else ""
    agent = snapshot.agents.get(key)
    if agent is not None:
        return agent.name
    user = User.objects.filter(pk=key).first()
    return display_name(user) if user else ""


def pushed_line(event: RecordedEvent) -> dict[str, Any] | None:
    """What the push of an event that adds an activity line (joined, the customer left, …)
    carries besides the event: the line, as a view shows it, taken from the row its append
    wrote (no read). The console adds it where it used to read the whole view again for its
    words after every such event (issue 18); a push without it still reads the view."""
    if event.type not in activity.ACTIVITIES or not event.stream_id.startswith("interaction-"):
        return None
    entry = store.held(TranscriptEntry, f"activity:{event.position}")
    return {"entry": entry_view(entry)} if entry is not None else None


def whisper_for(event: RecordedEvent) -> dict[str, Any] | None:
    """What the push of a supervisor's whisper carries besides the event: who handles the
    conversation (`for_agent`, None while nobody does), from the row its append wrote. A
    console that is not theirs gets the push without its text (console/consumers.py)."""
    if not access.is_whisper(event.type, event.data):
        return None
    row = store.held(Interaction, event.data.get("interaction_id"))
    return {"for_agent": row.agent_id if row is not None else None}


def entry_view(entry: TranscriptEntry) -> dict[str, Any]:
    text = entry.text
    if entry.kind == TranscriptEntry.Kind.ACTIVITY:
        text = activity.describe(entry.channel_data, name_of)
    return {
        "id": entry.id,
        "position": entry.position,
        "kind": entry.kind,
        "author": entry.author,
        "author_name": entry.author_name,
        "text": text,
        "html": entry.html,
        "subject": entry.subject,
        "attachments": entry.attachments,
        "audience": entry.audience,
        "delivery_status": entry.delivery_status,
        "delivery_detail": entry.delivery_detail,
        "at": entry.occurred_at.isoformat(),
    }


def interaction_view(
    interaction_id: str,
    user: AbstractBaseUser,
    *,
    partial: bool = False,
    row: Interaction | None = None,
) -> dict[str, Any]:
    """The console's view of an interaction. `partial`: only what an accept changes in the
    view the console holds already (it opened the offer), marked `"partial": true` for it to
    merge: the rest -- the customer's panel, labels, self-service, the channel's extras, the
    screen pop -- is the same before and after, and was most of the view's 25 queries.
    `row`: the interaction's, read a moment ago in the same call (the check of access)."""
    if row is None:
        row = row_statements.get(Interaction, interaction_id)  # by key, in SQL made once
    if row is None:
        raise Interaction.DoesNotExist(f"no interaction {interaction_id}")
    whispers = access.reads_whispers(user, row.agent_id)
    queue = config.queue(row.queue_id)
    entries = row_statements.where(TranscriptEntry, interaction_id=row.id, order_by=("position",))
    visible, withheld = [], 0
    for e in entries:
        if e.kind == "note" and e.audience == "agent" and not whispers:
            withheld += 1
        else:
            visible.append(entry_view(e))
    events = _view_events(row.id)
    if partial:
        return {
            "id": row.id,
            "version": row.version,
            "partial": True,
            "state": row.state,
            "agent_id": row.agent_id,
            "answered_at": row.answered_at.isoformat() if row.answered_at else None,
            "offer": None,  # accepted
            "follow_up": None,
            "messages": visible,
            "script": scripts.state(row.id, row.queue_id),
            "monitored_by": _monitored_by(events),
        }
    latest = _latest(
        events,
        {
            "WrapUpStarted",
            "OfferCreated",
            "InteractionTransferred",
            "OfferAccepted",
            "InteractionAssigned",
        },
    )
    # The customer's panel, read with their row; then the conversation's and the customer's
    # labels and attributes, asked for below.
    if row.customer_id:
        timeline.customer_ids(row.customer_id, panel=True)
    labelling.read_ahead(
        ("conversation", row.id), *([("customer", row.customer_id)] if row.customer_id else [])
    )
    wrap_up = latest.get("WrapUpStarted") if row.state == "wrap_up" else None
    offer = latest.get("OfferCreated") if row.state == "offered" else None
    view = {
        "id": row.id,
        "version": row.version,
        "state": row.state,
        "channel": row.channel,
        "direction": row.direction,
        "subject": row.subject,
        "queue": {"id": queue.queue_id, "name": queue.name} if queue else None,
        "agent_id": row.agent_id,
        "customer_away": row.customer_away,
        "monitored_by": _monitored_by(events),
        "possible_matches": possible_matches(row, entries),
        "created_at": row.created_at.isoformat(),
        "answered_at": row.answered_at.isoformat() if row.answered_at else None,
        "dispositions": [
            {"code": c, "label": label} for c, label in (queue.dispositions if queue else ())
        ],
        "wrap_up_deadline": wrap_up.data.get("deadline") if wrap_up else None,
        "offer": {
            "offer_id": offer.data["offer_id"],
            "agent_id": offer.data["agent_id"],
            "expires_at": offer.data["expires_at"],
            "reason": offer.data.get("decision", {}).get("reason", ""),
            "transfer": _transfer_card(latest),
        }
        if offer
        else None,
        "messages": visible,
        # Whispers this view leaves out, the agent's once they handle it: a console that
        # accepts the offer asks for them with the accept only where there are any.
        "notes_withheld": withheld,
        "labels": labelling.labels("conversation", row.id),
        "attributes": labelling.attributes("conversation", row.id),
        "follow_up": follow_up_card(events) if row.state == "offered" else None,
        "customer": customer_panel(row.customer_id, exclude=row.id),
        "self_service": self_service(
            row.id, started=any(e.type == "SelfServiceStarted" for e in events)
        ),
        "extras": channel_extras(row),
        "script": scripts.state(row.id, row.queue_id),
    }
    view["screen_pop"] = _screen_pop(row, view)
    return view


def _screen_pop(row: Interaction, view: dict[str, Any]) -> dict[str, str] | None:
    """The queue's screen pop, filled for this customer (contactcenter/console/screen_pop)."""
    queue = config.queue(row.queue_id)
    template = queue.screen_pop_url if queue else ""
    if not template:
        return None
    values = screen_pop.values_for(
        interaction_id=row.id,
        channel=row.channel,
        customer=view["customer"],
        attributes=view["attributes"],
        flow_attributes=(view["self_service"] or {}).get("attributes", {}),
    )
    return {
        "url": screen_pop.fill_url(template, values),
        "queue": (view["queue"] or {}).get("name", ""),
    }


def self_service(interaction_id: str, *, started: bool = True) -> dict[str, Any] | None:
    """The customer's way through the self-service flow: what they chose and typed. Not
    `started`: the conversation's stream has no SelfServiceStarted (the view's events say
    so), so no session to read; most conversations never go through a flow."""
    from routing.flows.models import FlowSession

    if not started:
        return None
    session = row_statements.get(FlowSession, interaction_id)
    if session is None:
        return None
    return {
        "flow": session.flow,
        "path": session.path,
        "attributes": session.attributes,
        "outcome": session.outcome,
    }


def channel_extras(row: Interaction) -> dict[str, Any] | None:
    """What the interaction's channel shows beside it (channels_adapters.base.Channel.console):
    a banner, whether it blocks replies, templates the agent may send instead."""
    from channels_adapters import base as channel_registry

    channel = channel_registry.channel(row.channel)
    if channel is None or channel.console is None:
        return None
    extras = channel.console(row)
    return dict(extras) if extras else None


# What of an interaction's stream its view shows: the offer (and a transfer that made it),
# wrap-up, a follow-up that came due, supervisors watching. Read once per view, those alone:
# reading the whole stream (three times) opened every message of it to show none of them.
VIEW_EVENTS = frozenset(
    {
        "WrapUpStarted",
        "OfferCreated",
        "InteractionTransferred",
        "OfferAccepted",
        "InteractionAssigned",
        "FollowUpDue",
        "InteractionMonitored",
        "InteractionMonitoringEnded",
        "SelfServiceStarted",  # whether there is a flow session to read (self_service)
    }
)


def _view_events(interaction_id: str) -> list[RecordedEvent]:
    return store.fold_stream(f"interaction-{interaction_id}", VIEW_EVENTS, opened=True)[1]


def _latest(events: list[RecordedEvent], types: set[str]) -> dict[str, RecordedEvent]:
    """The last event of each of `types` among `events` (_view_events)."""
    return {event.type: event for event in events if event.type in types}


def customer_panel(customer_id: str, exclude: str | None = None) -> dict[str, Any]:
    customer = customer_row(customer_id)
    if customer is None:
        return {
            "id": customer_id,
            "name": "",
            "identities": [],
            "notes": [],
            "history": [],
            "labels": [],
            "attributes": {},
            "changes": [],
        }
    history = [
        {
            "interaction_id": t.interaction_id,
            "channel": t.channel,
            "direction": t.direction,
            "started_at": t.started_at.isoformat(),
            "state": t.state,
            "subject": t.subject,
            "summary": t.summary,
            "messages": t.messages,
            "disposition": t.disposition,
            "notes": t.wrap_up_notes,
            "csat": t.csat,
        }
        for t in customer_timeline(customer_id, exclude=exclude)
    ]
    return {
        "id": customer.id,
        "name": customer.name,
        "first_name": customer.first_name,
        "company": customer.company,
        "email": customer.email,
        "phone": customer.phone,
        "since": customer.created_at.isoformat(),
        # Read at every offer the console opens: with the customer's row (crm.timeline).
        "identities": [
            {"kind": kind, "address": address} for kind, address in timeline.identities(customer.id)
        ],
        "notes": [
            {"id": pk, "text": text, "author_name": author_name, "at": at.isoformat()}
            for pk, text, author_name, at in timeline.notes(customer.id)
        ],
        "history": history,
        "labels": labelling.labels("customer", customer.id),
        "attributes": labelling.attributes("customer", customer.id),
        "language": customer.language,
        "changes": [
            {"at": c.at.isoformat(), "who": actor_name(c.actor), "what": c.what}
            for c in profile_changes(customer.id)
        ],
    }


def actor_name(actor: str) -> str:
    """`agent:7` -> the agent's name now; anything else (`system`, a channel) as it is."""
    role, _, key = actor.partition(":")
    if role in ("agent", "supervisor") and key.isdigit():
        return name_of("agent", int(key)) or actor
    return actor or "system"


def follow_up_card(events: list[RecordedEvent]) -> dict[str, Any] | None:
    """On an offer of a follow-up that came due (and not taken since): who asked for it and
    their note. `events`: the interaction's, as _view_events reads them."""
    latest = _latest(events, {"FollowUpDue", "OfferAccepted", "InteractionAssigned"})
    due = latest.get("FollowUpDue")
    taken = [latest[t].position for t in ("OfferAccepted", "InteractionAssigned") if t in latest]
    if due is None or any(position > due.position for position in taken):
        return None
    return {
        "agent": name_of("agent", due.data.get("agent_id")),
        "note": due.data.get("note", ""),
        "due_at": due.data.get("due_at", ""),
    }


def viewable(user: AbstractBaseUser, interaction_id: str) -> bool:
    return access.can_open(user, interaction_id)


def opened(user: AbstractBaseUser, interaction_id: str, checked: bool) -> dict[str, Any] | None:
    """The view of an interaction `user` opens, or None where they may not open it
    (`checked`: `viewable` said they may, a moment ago). Checked here, the view is made from
    the row the check read."""
    if checked:
        return interaction_view(interaction_id, user)
    row = access.opened(user, interaction_id)
    return None if row is None else interaction_view(interaction_id, user, row=row)


def display_name(user: User) -> str:
    profile = config.current().agents.get(user.pk)
    return profile.name if profile else user.get_full_name() or user.get_username()


def standing_alerts() -> list[dict[str, Any]]:
    from contactcenter.supervisor.models import StandingAlert

    return [
        {
            "alert": a.key,
            "kind": a.kind,
            "subject": a.subject,
            "message": a.message,
            "detail": a.detail,
        }
        for a in StandingAlert.objects.order_by("-raised_at")
    ]


def _monitored_by(events: list[RecordedEvent]) -> list[dict[str, Any]]:
    """Supervisors monitoring the conversation now (the agent is told, once)."""
    watching: dict[int, str] = {}
    for event in events:
        if event.type == "InteractionMonitored":
            watching[event.data["supervisor_id"]] = event.data.get("supervisor_name", "")
        elif event.type == "InteractionMonitoringEnded":
            watching.pop(event.data["supervisor_id"], None)
    return [{"id": pk, "name": name} for pk, name in watching.items()]


def _transfer_card(latest: dict[str, Any]) -> dict[str, Any] | None:
    """On an offer of work handed over (and not taken by anyone since): who handed it over,
    and their note for the next person."""
    transferred = latest.get("InteractionTransferred")
    taken = [latest[t].position for t in ("OfferAccepted", "InteractionAssigned") if t in latest]
    if transferred is None or any(position > transferred.position for position in taken):
        return None
    return {
        "from": name_of("agent", transferred.data.get("from_agent_id")),
        "note": transferred.data.get("note", ""),
    }


def possible_matches(
    row: Interaction, entries: list[TranscriptEntry] | None = None
) -> list[dict[str, Any]]:
    """Known customers this conversation's customer may be: the visitor gave an e-mail (in the
    pre-chat form) that belongs to another customer. Never merged silently — a visitor could
    type anyone's address to read their history — but shown to the agent, who may merge.
    `entries`: the conversation's transcript, where the caller has read it already."""
    if entries is None:
        entries = TranscriptEntry.objects.filter(interaction_id=row.id, kind="inbound")
    given = {
        entry.channel_data.get("email")
        for entry in entries
        if entry.kind == TranscriptEntry.Kind.INBOUND and entry.channel_data.get("email")
    }
    matches = []
    for email in sorted(given):
        try:
            owner = customers.find(normalise(IdentityKind.EMAIL, email))
        except InvalidIdentity:
            continue
        if owner and owner != row.customer_id:
            customer = Customer.objects.filter(pk=owner, merged_into_id="").first()
            if customer is not None:
                matches.append({"customer_id": customer.id, "name": customer.name, "email": email})
    return matches
