"""The live dialler: a background loop (registered with the worker registry) that paces each
active campaign and places its calls through Twilio's REST API.

Each round, per campaign: read the floor (blended agents, the pacing window), ask
`pacing.decide`, pick who may be dialled (`eligibility.pick`, and the contact's aggregate has
the last word), append the attempt, then ask Twilio to call with asynchronous answering-
machine detection. Twilio's callbacks (outbound/views.py) answer, classify and end attempts.
Preview campaigns place nothing here: the agent dials from the console.
"""

import logging
from datetime import datetime

from channels_adapters.twilio.client import client, delivery_error
from contactcenter import clock
from contactcenter.events import row_statements
from contactcenter.events.context import acting_as
from contactcenter.workers.loop import Loop
from outbound import commands, floor
from outbound.eligibility import Contact, Rules, pick
from outbound.models import Campaign, CampaignContact, ContactProgress, DoNotCallNumber
from outbound.pacing import Mode, decide

log = logging.getLogger(__name__)

RING_TIMEOUT_SECONDS = 25  # Twilio's `Timeout`: then the attempt is no-answer
ANSWER_PATH = "/hooks/twilio/dialer/answer/"
STATUS_PATH = "/hooks/twilio/dialer/status/"
AMD_PATH = "/hooks/twilio/dialer/amd/"
ROUND_SECONDS = 2.0


def step() -> int:
    """One round over the active campaigns; returns the calls placed."""
    placed = 0
    # In SQL made once (row_statements.where): every worker runs this round every two seconds,
    # with a campaign or without, and building and compiling the query was most of it.
    active = row_statements.where(Campaign, active=True)
    with acting_as("system:dialer"):
        for campaign in active:
            if campaign.mode != Mode.PREVIEW:  # nothing dialled by the machine: agents read
                placed += pace(campaign, clock.now())
    return placed


def pace(campaign: Campaign, now: datetime) -> int:
    config = campaign.pacing()
    agents = floor.agents(campaign, now)
    rolling, _, unassigned = floor.window(campaign, now, config.window_seconds)
    snap = rolling.snapshot(
        config,
        now.timestamp(),
        ready_agents=len(agents.ready),
        busy_agents=len(agents.busy),
        # Progressive lines each hold their agent (counted busy already); predictive ones
        # wait for whoever is free when they answer.
        lines_in_flight=unassigned if config.mode == Mode.PREDICTIVE else 0,
    )
    decision = decide(config, snap)
    if decision.dials <= 0:
        return 0
    chosen, passed_over = pick_contacts(campaign, now, decision.dials)
    commands.record_pacing(campaign, decision, snap, passed_over)
    placed = 0
    for n, contact in enumerate(chosen):
        agent = str(agents.ready[n]) if config.mode == Mode.PROGRESSIVE else ""
        try:
            attempt_id = commands.place(contact, mode=str(config.mode), agent=agent)
        except commands.DialRefused as refusal:
            log.info("not dialled: %s", refusal)
            continue
        placed += call(campaign, contact, attempt_id)
    return placed


def pick_contacts(
    campaign: Campaign, now: datetime, wanted: int
) -> tuple[list[CampaignContact], dict[str, int]]:
    candidates = commands.due_contacts(campaign, now, wanted)
    progress = {
        p.contact_id: p
        for p in ContactProgress.objects.filter(contact_id__in=[c.pk for c in candidates])
    }
    numbers = {c.phone for c in candidates}
    blocked = frozenset(
        phone
        for phone in DoNotCallNumber.objects.filter(phone__in=numbers).values_list(
            "phone", flat=True
        )
        if commands.on_do_not_call(phone, campaign)
    )
    people = []
    for c in candidates:
        p = progress.get(c.pk)
        people.append(
            Contact(
                contact_id=c.pk,
                phone=c.phone,
                zone=c.time_zone,
                attempts=p.attempts if p else 0,
                next_attempt_at=p.next_attempt_at if p else None,
                live=bool(p and p.live_attempt_id),
                done=bool(p and p.done),
            )
        )
    rules = Rules(campaign.window(), campaign.max_attempts, blocked)
    chosen, passed_over = pick(people, rules, now, wanted)
    by_id = {c.pk: c for c in candidates}
    return [by_id[c.contact_id] for c in chosen], passed_over


def call(campaign: Campaign, contact: CampaignContact, attempt_id: str) -> int:
    """Ask Twilio to place the call (with asynchronous AMD); a refusal ends the attempt."""
    channel = campaign.twilio_channel
    if channel is None:
        commands.end(contact, attempt_id, "failed")
        log.warning("campaign %s has no Twilio number to call from", campaign)
        return 0
    query = f"?attempt={attempt_id}&contact={contact.pk}"
    options = {
        "to": contact.phone,
        "from_": channel.phone_number,
        "url": channel.url(ANSWER_PATH + query),
        "method": "POST",
        "status_callback": channel.url(STATUS_PATH + query),
        "status_callback_method": "POST",
        "status_callback_event": ["initiated", "ringing", "answered", "completed"],
        "timeout": RING_TIMEOUT_SECONDS,
    }
    if campaign.machine_detection:
        options |= {
            "machine_detection": "Enable",
            "async_amd": "true",
            "async_amd_status_callback": channel.url(AMD_PATH + query),
            "async_amd_status_callback_method": "POST",
        }
    try:
        client(channel).calls.create(**options)
    except Exception as failure:
        log.warning("Twilio refused the call to %s: %s", contact.phone, delivery_error(failure))
        commands.end(contact, attempt_id, "failed")
        return 0
    return 1


def dialer_service(**options) -> Loop:
    return Loop("dialer", step, idle=ROUND_SECONDS)
