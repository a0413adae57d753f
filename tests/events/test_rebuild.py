"""A rebuild from position 0 arrives at exactly the rows the live system wrote."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.forms.models import model_to_dict

from contactcenter import clock
from contactcenter.commands import command
from contactcenter.events import projections
from contactcenter.interactions import commands as interactions
from contactcenter.interactions.ingest import Attachment, ingest
from contactcenter.interactions.models import Interaction
from contactcenter.quality import commands as quality
from contactcenter.quality.models import Criterion, Scorecard, Section
from contactcenter.supervisor import alerts
from crm import customers
from routing import offers, presence, router
from routing.models import BusinessCalendar
from tests.factories import chat_message, email_message
from tests.flows.workload import self_service_workload
from tests.kpis.follow import catch_up_fully
from tests.routing.builders import a_queue, an_agent, overflow

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
    reply = interactions.send_message(
        handled.interaction_id, author=f"agent:{agent}", text="Let me see"
    )
    interactions.record_delivery(handled.interaction_id, reply, status="delivered")
    interactions.add_note(handled.interaction_id, "Refund issued", author=f"agent:{agent}")
    offers.end_conversation(handled.interaction_id, agent)
    offers.wrap_up(handled.interaction_id, agent, disposition="resolved", follow_up_on="2026-12-01")
    _rate(handled.interaction_id, 4)
    _evaluate(handled.interaction_id)

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
        router.route_once()  # an offer left outstanding: a timer
        router.update_queue_hours()
    offers.enqueue(ingest(chat_message(visitor="w-3")).interaction_id, night.pk)

    customers.add_note(mailed.customer_id, "VIP", author="agent:2")
    customers.update_profile(mailed.customer_id, company="Bo & Co")
    customers.merge(handled.customer_id, into_id=mailed.customer_id)
    for n in range(5):
        ingest(chat_message(visitor=f"w-bulk-{n}", text=f"question {n}"))
    self_service_workload()  # flows, SMS consent, calls
    with clock.travel(timedelta(minutes=5)):
        alerts.check()  # the bulk chats have waited past their threshold: standing alerts
    assert alice


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


def _closed_calendar() -> BusinessCalendar:
    return BusinessCalendar.objects.create(name="never open", timezone="UTC")


def accept(interaction_id: str) -> int:
    row = Interaction.objects.get(pk=interaction_id)
    offers.accept_offer(interaction_id, row.offer_id, row.offer_agent_id)
    return row.offer_agent_id


def follow_every_catch_up_projection() -> None:
    for projector in projections.all_projectors().values():
        if projector.catch_up:
            catch_up_fully(projector)


def snapshot() -> dict[str, list[dict]]:
    rows = {}
    for projector in projections.all_projectors().values():
        for model in projector.models:
            rows[model._meta.label] = sorted(
                (model_to_dict(obj) | {"pk": obj.pk} for obj in model.objects.all()),
                key=lambda row: str(row["pk"]),
            )
    return rows


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
