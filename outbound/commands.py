"""The dialler's writes: every attempt, answer, end and pacing decision is an event, decided
by the contact's aggregate (outbound/dialling.py) and appended with its stream's version."""

import uuid
from collections.abc import Callable
from datetime import datetime

from contactcenter import clock
from contactcenter.commands import command
from contactcenter.events import aggregate as aggregates
from contactcenter.events import store
from contactcenter.events.aggregate import Aggregate
from outbound import events as ev
from outbound.dialling import ContactDialling, DialRefused
from outbound.eligibility import Contact, Rules
from outbound.models import Campaign, CampaignContact, DoNotCallNumber
from outbound.pacing import Decision, Snapshot

__all__ = [
    "DialRefused",
    "answer",
    "answer_with_a_free_agent",
    "classify",
    "dispositioned",
    "end",
    "place",
    "record_pacing",
]


def contact_stream(contact_id: int) -> str:
    return f"dial-contact-{contact_id}"


def campaign_stream(campaign_id: int) -> str:
    return f"dialer-{campaign_id}"


class ContactStream(Aggregate):
    """A contact's dialling stream, at the version `load` read it at (the rules are
    ContactDialling's); written by decide-and-append (contactcenter/events/aggregate.py)."""

    stream_prefix = "dial-contact"


class CampaignDialer(Aggregate):
    """A campaign's pacing decisions: appended after its head, whatever came before."""

    stream_prefix = "dialer"
    folds = False


def _append(contact: CampaignContact, version: int, events: list) -> None:
    stream = ContactStream(contact.pk)
    stream.version = version  # the version `load` folded the stream to
    aggregates.append(stream, events)


def on_do_not_call(phone: str, campaign: Campaign | None = None) -> str | None:
    """The do-not-call list `phone` is on (the internal one, or one the campaign names)."""
    numbers = DoNotCallNumber.objects.filter(phone=phone).select_related("list")
    for row in numbers:
        if row.list.internal or (
            campaign is not None and campaign.do_not_call_lists.filter(pk=row.list_id).exists()
        ):
            return row.list.name
    return None


def rules(campaign: Campaign, phone: str) -> Rules:
    dnc = frozenset({phone}) if on_do_not_call(phone, campaign) else frozenset()
    return Rules(window=campaign.window(), max_attempts=campaign.max_attempts, do_not_call=dnc)


def load(contact: CampaignContact) -> tuple[ContactDialling, int]:
    """The contact's aggregate from its stream, and the version it stands at."""
    state = ContactDialling(Contact(contact.pk, contact.phone, contact.time_zone))
    recorded = store.read_stream(contact_stream(contact.pk))
    for r in recorded:
        state = state.apply(r.payload)
    return state, recorded[-1].version if recorded else 0


@command
def place(contact: CampaignContact, *, mode: str, agent: str = "") -> str:
    """Start an attempt (refused with DialRefused and its reason); returns its id. Two
    dialers racing for one contact: the second append fails on the stream version, retries,
    and is refused as "already on a live attempt"."""
    state, version = load(contact)
    campaign = contact.campaign
    attempt_id = str(uuid.uuid4())
    events = state.place(
        attempt_id,
        rules(campaign, contact.phone),
        clock.now(),
        campaign_id=campaign.pk,
        customer_id=contact.customer_id,
        mode=mode,
        agent=agent,
    )
    _append(contact, version, events)
    return attempt_id


def _decide(contact: CampaignContact, decision: Callable[[ContactDialling], list]) -> bool:
    """The contact's aggregate decides; what it decided is appended. False: nothing to do
    (a redelivered callback, an attempt already ended)."""
    state, version = load(contact)
    events = decision(state)
    if events:
        _append(contact, version, events)
    return bool(events)


@command
def answer(contact: CampaignContact, attempt_id: str, agent: str) -> bool:
    return _decide(contact, lambda state: state.answer(attempt_id, agent))


@command
def answer_with_a_free_agent(
    contact: CampaignContact, attempt_id: str, candidates: list[str]
) -> str:
    """Answer giving the call to the first candidate no other answered call has taken: each
    candidate's presence row is locked (others skip it) and checked for a live call, so two
    calls answered at the same instant never go to one agent. Returns the agent, or ""."""
    from django.db import connection

    from outbound.models import DialAttempt
    from routing.models import AgentState

    chosen = ""
    for agent in candidates:
        rows = AgentState.objects.filter(pk=int(agent))
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True)
        if not rows.exists():
            continue  # another call is being given to them right now
        if (
            DialAttempt.objects.filter(agent=agent, status__in=("dialling", "answered"))
            .exclude(pk=attempt_id)
            .exists()
        ):
            continue
        chosen = agent
        break
    answer(contact, attempt_id, chosen)
    return chosen


@command
def classify(contact: CampaignContact, attempt_id: str, answered_by: str) -> bool:
    return _decide(contact, lambda state: state.classify(attempt_id, answered_by))


@command
def end(
    contact: CampaignContact,
    attempt_id: str,
    outcome: str = "",
    duration: int = 0,
    *,
    call_status: str = "",
) -> bool:
    """End the live attempt: with `outcome`, or the one Twilio's final `call_status` means."""
    campaign = contact.campaign
    return _decide(
        contact,
        lambda state: state.end(
            attempt_id,
            outcome or state.outcome(call_status),
            clock.now(),
            campaign.max_attempts,
            campaign.retries(),
            duration,
        ),
    )


@command
def dispositioned(
    contact: CampaignContact,
    attempt_id: str,
    disposition: str,
    *,
    right_party: bool,
    converted: bool,
    agent: str,
) -> None:
    state, version = load(contact)
    campaign = contact.campaign
    retries = {r.outcome: r for r in campaign.retry_rules.all()}
    events = state.wrap_up(
        attempt_id,
        agent,
        disposition,
        right_party=right_party,
        converted=converted,
        now=clock.now(),
        max_attempts=campaign.max_attempts,
        # Only the campaign's own rules for dispositions: an outcome's default is no
        # reason to call a person back after they talked to us.
        retries={k: v for k, v in campaign.retries().items() if k in retries},
    )
    _append(contact, version, events)


@command
def record_pacing(
    campaign: Campaign, decision: Decision, snap: Snapshot, passed_over: dict[str, int]
) -> None:
    event = ev.DialerPaced(
        campaign_id=campaign.pk,
        mode=str(decision.mode),
        dials=decision.dials,
        previews=decision.previews,
        lines_after=decision.lines_after,
        ready_agents=snap.ready_agents,
        busy_agents=snap.busy_agents,
        answer_rate=round(snap.answer_rate, 4),
        abandon_rate=round(snap.abandon_rate, 4),
        expected_abandons=round(decision.expected_abandons, 4),
        reason=decision.reason,
        passed_over=passed_over,
    )
    aggregates.append(CampaignDialer.load(campaign.pk), [event])


def due_contacts(campaign: Campaign, now: datetime, limit: int) -> list[CampaignContact]:
    """Candidates, a few times more than wanted: the aggregate has the last word."""
    from django.db.models import Exists, OuterRef, Q

    from outbound.models import ContactProgress

    progress = ContactProgress.objects.filter(contact_id=OuterRef("pk"))
    blocked = progress.filter(Q(done=True) | ~Q(live_attempt_id="") | Q(next_attempt_at__gt=now))
    return list(campaign.contacts.exclude(Exists(blocked)).order_by("id")[: max(limit * 4, limit)])
