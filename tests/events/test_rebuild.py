"""A rebuild from position 0 arrives at exactly the rows the live system wrote."""

import uuid
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.forms.models import model_to_dict

from contactcenter import clock
from contactcenter.commands import command
from contactcenter.events import projections
from contactcenter.interactions import commands as interactions
from contactcenter.interactions.ingest import ingest
from crm import customers
from tests.factories import chat_message, email_message

pytestmark = pytest.mark.django_db(transaction=True)


@command
def route_to(interaction_id: str, agent_id: int, queue_id: int = 1) -> None:
    offer_id = str(uuid.uuid4())
    interactions.decide_and_append(interaction_id, lambda i: i.enqueue(queue_id))
    interactions.decide_and_append(
        interaction_id,
        lambda i: i.offer(offer_id, agent_id=agent_id, expires_at=clock.now(), decision={}),
    )
    interactions.decide_and_append(interaction_id, lambda i: i.accept(offer_id, agent_id))


@command
def transfer_to_queue(interaction_id: str, by_agent_id: int, queue_id: int) -> None:
    interactions.decide_and_append(
        interaction_id,
        lambda i: i.transfer(by_agent_id=by_agent_id, kind="queue", to_queue_id=queue_id),
    )


def scripted_workload() -> None:
    handled = ingest(chat_message(visitor="w-1", text="My card was charged twice"))
    route_to(handled.interaction_id, agent_id=1)
    reply = interactions.send_message(handled.interaction_id, author="agent:1", text="Let me see")
    interactions.record_delivery(handled.interaction_id, reply, status="delivered")
    interactions.add_note(handled.interaction_id, "Refund issued", author="agent:1")
    interactions.end_conversation(handled.interaction_id, 1)
    interactions.wrap_up(handled.interaction_id, 1, disposition="refund", follow_up_on="2026-12-01")

    mailed = ingest(email_message(sender="Bo <bo@example.org>", html="<p>Late <b>order</b></p>"))
    route_to(mailed.interaction_id, agent_id=2)
    failed = interactions.send_message(mailed.interaction_id, author="agent:2", text="Sorry")
    interactions.record_delivery(mailed.interaction_id, failed, status="failed", reason="550")
    transfer_to_queue(mailed.interaction_id, by_agent_id=2, queue_id=3)

    left = ingest(chat_message(visitor="w-2"))
    interactions.abandon(left.interaction_id)
    with clock.travel(timedelta(hours=1)):
        ingest(chat_message(visitor="w-2", text="back again"))

    customers.add_note(mailed.customer_id, "VIP", author="agent:2")
    customers.update_profile(mailed.customer_id, company="Bo & Co")
    customers.merge(handled.customer_id, into_id=mailed.customer_id)
    for n in range(5):
        ingest(chat_message(visitor=f"w-bulk-{n}", text=f"question {n}"))


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
    while projections.catch_up_all():
        pass
    live = snapshot()
    assert all(live[label] for label in live), "the workload should touch every table"

    call_command("rebuild_projections", verbosity=0)

    assert snapshot() == live


def test_rebuilding_one_projection_leaves_the_others_alone():
    scripted_workload()
    while projections.catch_up_all():
        pass
    live = snapshot()

    call_command("rebuild_projections", "customers", verbosity=0)

    assert snapshot() == live


def test_a_catch_up_projection_follows_from_its_checkpoint():
    from crm.models import CustomerActivity
    from contactcenter.events.models import ProjectionCheckpoint

    first = ingest(chat_message(visitor="w-10"))
    assert projections.catch_up(projections.get("customer_activity")) > 0
    checkpoint = ProjectionCheckpoint.objects.get(name="customer_activity").position
    ingest(chat_message(visitor="w-10", start_new=True))

    projections.catch_up(projections.get("customer_activity"))

    activity = CustomerActivity.objects.get(pk=first.customer_id)
    assert activity.interactions == 2 and activity.by_channel == {"webchat": 2}
    assert ProjectionCheckpoint.objects.get(name="customer_activity").position > checkpoint
    assert projections.catch_up(projections.get("customer_activity")) == 0
