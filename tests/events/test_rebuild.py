"""A rebuild from position 0 arrives at exactly the rows the live system wrote."""

import io
import uuid
from datetime import time, timedelta

import pytest
from django.core.management import CommandError, call_command

from contactcenter import clock
from contactcenter.commands import command
from contactcenter.events import drift, projections
from contactcenter.followups import schedule as follow_ups
from contactcenter.interactions import commands as interactions
from contactcenter.interactions.ingest import Attachment, ingest
from contactcenter.interactions.models import Interaction, TranscriptEntry
from contactcenter.knowledge import commands as knowledge
from contactcenter.knowledge.events import HelpSearched
from contactcenter.kpis.models import IntervalFact
from contactcenter.labels import commands as labels
from contactcenter.labels.models import AttributeDefinition, LabelDefinition
from contactcenter.quality import coaching_shell, sampling_shell
from contactcenter.quality import commands as quality
from contactcenter.quality.models import Criterion, SamplingRule, Scorecard, Section
from contactcenter.supervisor import alerts
from crm import customers
from outbound import commands as dialing
from outbound.models import Campaign, CampaignContact
from routing import offers, presence, router
from routing.models import BusinessCalendar
from tests.factories import chat_message, email_message
from tests.flows.builders import a_flow, at_entry
from tests.flows.workload import self_service_workload
from tests.knowledge.builders import demo_knowledge_base
from tests.kpis.follow import catch_up_fully
from tests.routing.builders import a_queue, an_agent, overflow
from tests.wfm.builders import center, supervisor
from wfm import schedules
from wfm.requirements import Target

pytestmark = pytest.mark.django_db(transaction=True)


def scripted_workload() -> None:
    """A morning of a small center: every kind of event the projections handle."""
    support, billing = a_queue(entry="webchat:*"), a_queue(entry="email:*")
    night = a_queue(entry=None, calendar=_closed_calendar(), after_hours_action="queue")
    overflow(support, 30, "add_queue_agents", target_queue=billing)
    alice, bob = an_agent(support, capacity_webchat=2), an_agent(billing)

    handled = ingest(chat_message(visitor="w-1", text="My card was charged twice"))
    router.route_once()
    agent = accept(handled.interaction_id)
    _read_by_the_agent(handled.interaction_id, agent)
    reply = interactions.send_message(
        handled.interaction_id, author=f"agent:{agent}", text="Let me see"
    )
    interactions.record_delivery(handled.interaction_id, reply, status="delivered")
    interactions.add_note(handled.interaction_id, "Refund issued", author=f"agent:{agent}")
    offers.end_conversation(handled.interaction_id, agent)
    offers.wrap_up(
        handled.interaction_id,
        agent,
        disposition="resolved",
        notes="call to check the refund",
        call_back_at=clock.now().isoformat(),
    )
    _rate(handled.interaction_id, 4)
    _evaluate(handled.interaction_id)
    follow_ups.bring_back_due()  # due at once: back in the queue for the same agent
    router.route_once()
    agent = accept(handled.interaction_id)
    offers.end_conversation(handled.interaction_id, agent)
    offers.wrap_up(handled.interaction_id, agent, disposition="resolved")

    receipt = Attachment("receipt.pdf", "application/pdf", 10, storage_key="email/ab/ab12/r.pdf")
    mailed = ingest(
        email_message(
            sender="Bo <bo@example.org>", html="<p>Late <b>order</b></p>", attachments=(receipt,)
        )
    )
    router.route_once()
    agent = accept(mailed.interaction_id)
    failed = interactions.send_message(mailed.interaction_id, author=f"agent:{agent}", text="Sorry")
    interactions.record_delivery(mailed.interaction_id, failed, status="failed", reason="550")
    offers.transfer(mailed.interaction_id, by_agent_id=agent, kind="queue", to_queue_id=support.pk)
    router.route_once()

    left = ingest(chat_message(visitor="w-2"))
    offers.abandon(left.interaction_id)
    with clock.travel(timedelta(hours=1)):
        ingest(chat_message(visitor="w-2", text="back again"))
        presence.set_presence(bob.pk, "away", "break")
        presence.set_softphone(bob.pk, True)  # the console's softphone on, then off
        presence.set_softphone(bob.pk, False, "microphone not allowed")
        router.route_once()  # an offer left outstanding: a timer
        router.update_queue_hours()
    offers.enqueue(ingest(chat_message(visitor="w-3")).interaction_id, night.pk)

    customers.add_note(mailed.customer_id, "VIP", author="agent:2")
    customers.update_profile(mailed.customer_id, company="Bo & Co")
    _labels(handled.interaction_id, mailed.customer_id)
    customers.merge(handled.customer_id, into_id=mailed.customer_id)
    for n in range(5):
        ingest(chat_message(visitor=f"w-bulk-{n}", text=f"question {n}"))
    self_service_workload()  # flows, SMS consent, calls
    with clock.travel(timedelta(minutes=5)):
        alerts.check()  # the bulk chats have waited past their threshold: standing alerts
    _a_schedule()
    _a_dial_attempt()
    _self_service_from_the_knowledge_base()  # last: its flow takes every chat from here on
    assert alice


def _labels(interaction_id: str, customer_id: str) -> None:
    """Labels and attributes set, changed and removed on a conversation and a customer."""
    LabelDefinition.objects.create(name="vip", title="VIP")
    LabelDefinition.objects.create(name="refund", title="Refund", on_customers=False)
    AttributeDefinition.objects.create(key="order", title="Order", subject="conversation")
    AttributeDefinition.objects.create(
        key="tier", title="Tier", subject="customer", kind="choice", choices="gold, silver"
    )
    labels.change_conversation(interaction_id, add=["vip", "refund"], attributes={"order": "42"})
    labels.change_conversation(interaction_id, remove=["vip"], attributes={"order": "43"})
    labels.change_customer(customer_id, add=["vip"], attributes={"tier": "gold"})
    labels.change_customer(customer_id, attributes={"tier": ""})


def _self_service_from_the_knowledge_base() -> None:
    """Articles published, a help-page search, and a chat the virtual agent answers."""
    demo_knowledge_base()
    knowledge.record_help(
        HelpSearched(visit_id=str(uuid.uuid4()), source="help_page", query="password")
    )
    helped = a_queue(entry=None)
    flow = a_flow("assistant", {"assistant": {"kind": "virtual", "text": "Hi!", "queue": helped}})
    at_entry(flow, "webchat", helped)
    ingest(chat_message(visitor="w-kb", text="hi"))
    ingest(chat_message(visitor="w-kb", text="I forgot my password"))


def _a_schedule() -> None:
    """A week's schedule generated from history, as workforce management makes one."""
    first_day = clock.now().date() + timedelta(days=1)
    queue, _ = center(first_day)
    schedules.generate(
        supervisor(),
        first_day=first_day,
        days=1,
        interval_minutes=30,
        queue_ids=[queue.pk],
        target=Target(sl_threshold_seconds=20, sl_target=0.8),
        time_limit_seconds=5,
    )
    # Its history was made up as KPI rows, not events: a rebuild could never make it again.
    IntervalFact.objects.filter(dimension="queue", dimension_id=str(queue.pk)).delete()


def _a_dial_attempt() -> None:
    campaign = Campaign.objects.create(
        name="Renewals",
        queue=a_queue(entry=None),
        window_start=time(0, 0),
        window_end=time(23, 59, 59),
        window_days="0123456",
    )
    contact = CampaignContact.objects.create(
        campaign=campaign, customer_id="c-renewal", phone="+14155550100", time_zone="UTC"
    )
    dialing.place(contact, mode="progressive")


@command
def _rate(interaction_id: str, rating: int) -> None:
    interactions.decide_and_append(interaction_id, lambda i: i.rate(rating, "quick"))


def _evaluate(interaction_id: str) -> None:
    card = Scorecard.objects.create(name="QA")
    section = Section.objects.create(scorecard=card, title="Resolution")
    criterion = Criterion.objects.create(section=section, text="Solved it")
    evaluation = quality.submit_evaluation(
        interaction_id, card.pk, evaluator_id=1, points={criterion.pk: 1}
    )
    quality.acknowledge(evaluation, Interaction.objects.get(pk=interaction_id).last_agent_id)
    calibration = quality.open_calibration(
        interaction_id, card.pk, evaluator_ids=[1, 2], opened_by=1
    )
    for evaluator in (1, 2):
        quality.submit_evaluation(
            interaction_id,
            card.pk,
            evaluator_id=evaluator,
            points={criterion.pk: evaluator - 1},
            calibration_id=calibration,
        )
    coached = coaching_shell.plan(
        [evaluation],
        coach_id=1,
        goals=["Say what happens next"],
        due_on=clock.now().date(),
        focus_criteria=[criterion.pk],
    )
    coaching_shell.hold(coached, coach_id=1, note="done")
    coaching_shell.acknowledge(coached, Interaction.objects.get(pk=interaction_id).last_agent_id)
    rule = SamplingRule.objects.create(name="Some of each", kind="random", per_agent=1)
    assert sampling_shell.sample(rule.pk) >= 1


def _closed_calendar() -> BusinessCalendar:
    return BusinessCalendar.objects.create(name="never open", timezone="UTC")


def _read_by_the_agent(interaction_id: str, agent_id: int) -> None:
    """The customer's read receipt (MessagesRead): the agent saw their first message."""
    first = TranscriptEntry.objects.filter(interaction_id=interaction_id, kind="inbound").first()
    assert interactions.mark_read(
        interaction_id, agent_id=agent_id, message_id=first.id, message_position=first.position
    )


def accept(interaction_id: str) -> int:
    row = Interaction.objects.get(pk=interaction_id)
    offers.accept_offer(interaction_id, row.offer_id, row.offer_agent_id)
    return row.offer_agent_id


def follow_every_catch_up_projection() -> None:
    for projector in projections.all_projectors().values():
        if projector.catch_up:
            catch_up_fully(projector)


def snapshot() -> drift.Rows:
    return drift.rows(projections.all_projectors().values())


def test_rebuilding_every_projection_reproduces_the_live_rows():
    scripted_workload()
    follow_every_catch_up_projection()
    live = snapshot()
    untouched = [label for label in live if not live[label]]
    assert not untouched, f"the workload should touch every table: {untouched}"

    call_command("rebuild_projections", verbosity=0)

    assert snapshot() == live


def test_rebuilding_one_projection_leaves_the_others_alone():
    scripted_workload()
    follow_every_catch_up_projection()
    live = snapshot()

    call_command("rebuild_projections", "customers", verbosity=0)

    assert snapshot() == live


def test_a_rebuild_compared_with_the_live_rows_finds_no_drift():
    scripted_workload()
    follow_every_catch_up_projection()
    out = io.StringIO()

    call_command("rebuild_projections", "--compare", verbosity=0, stdout=out)

    assert f"changed none of the {drift.counted(snapshot())} rows" in out.getvalue()


def test_a_drifted_projection_is_named_and_put_back_as_the_log_says():
    scripted_workload()
    follow_every_catch_up_projection()
    live = snapshot()
    chat = Interaction.objects.filter(channel="webchat").earliest("created_at")
    # A lost write and a write the log never had.
    Interaction.objects.filter(pk=chat.pk).update(state="drifted")
    entry = TranscriptEntry.objects.filter(interaction_id=chat.pk).latest("position")
    TranscriptEntry.objects.filter(pk=entry.pk).delete()
    out = io.StringIO()

    with pytest.raises(CommandError, match="the rebuild changed 2 of"):
        call_command("rebuild_projections", "--compare", verbosity=0, stdout=out)

    said = out.getvalue()
    assert f"interactions.Interaction {chat.pk}: state 'drifted' -> '{chat.state}'" in said
    assert f"interactions.TranscriptEntry {entry.pk}: only in the rebuild" in said
    assert snapshot() == live


def test_a_catch_up_projection_follows_from_its_checkpoint():
    from contactcenter.events.models import ProjectionCheckpoint
    from crm.models import CustomerActivity

    first = ingest(chat_message(visitor="w-10"))
    assert projections.catch_up(projections.get("customer_activity")) > 0
    checkpoint = ProjectionCheckpoint.objects.get(name="customer_activity").position
    ingest(chat_message(visitor="w-10", start_new=True))

    projections.catch_up(projections.get("customer_activity"))

    activity = CustomerActivity.objects.get(pk=first.customer_id)
    assert activity.interactions == 2 and activity.by_channel == {"webchat": 2}
    assert ProjectionCheckpoint.objects.get(name="customer_activity").position > checkpoint
    assert projections.catch_up(projections.get("customer_activity")) == 0
