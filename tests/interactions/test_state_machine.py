"""The Interaction aggregate, given events, when a command, then events or a refusal.
No database: the rules are pure."""

from datetime import UTC, datetime, timedelta

import pytest

from contactcenter.interactions import events as ev
from contactcenter.interactions.domain import (
    DomainError,
    Interaction,
    InvalidTransition,
    ReopenWindowPassed,
    State,
)

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
WINDOW = timedelta(days=7)


def given(*events, at=T0) -> Interaction:
    interaction = Interaction()
    for n, event in enumerate(events, start=1):
        interaction.apply(event, at)
        interaction.version = n
    return interaction


def created():
    return ev.InteractionCreated(
        interaction_id="i1", channel="webchat", channel_key="demo", customer_id="c1"
    )


def queued(queue_id=1):
    return ev.InteractionQueued(interaction_id="i1", queue_id=queue_id)


def offered(agent_id=7, offer_id="o1"):
    return ev.OfferCreated(
        interaction_id="i1", offer_id=offer_id, agent_id=agent_id, queue_id=1, expires_at=""
    )


def accepted(agent_id=7, offer_id="o1"):
    return ev.OfferAccepted(interaction_id="i1", offer_id=offer_id, agent_id=agent_id)


def message(text="hi", automated=False):
    return ev.MessageReceived(
        interaction_id="i1",
        message_id="m1",
        channel="webchat",
        sender="v1",
        text=text,
        automated=automated,
    )


def test_accepting_an_offer_makes_the_interaction_active_with_that_agent():
    interaction = given(created(), queued(), offered())

    events = interaction.accept("o1", agent_id=7)

    assert events == [accepted()]
    interaction.apply(events[0], T0)
    assert interaction.state is State.ACTIVE and interaction.agent_id == 7


def test_only_the_agent_offered_can_accept():
    with pytest.raises(InvalidTransition, match="offer was made to another agent"):
        given(created(), queued(), offered(agent_id=7)).accept("o1", agent_id=8)


def test_a_stale_offer_cannot_be_accepted():
    interaction = given(
        created(),
        queued(),
        offered(),
        ev.OfferTimedOut(interaction_id="i1", offer_id="o1", agent_id=7),
    )

    with pytest.raises(InvalidTransition, match="accept the offer: the interaction is queued"):
        interaction.accept("o1", agent_id=7)


def test_a_timed_out_offer_returns_the_interaction_to_the_queue_and_remembers_who_missed_it():
    interaction = given(created(), queued(), offered(agent_id=7))

    (timed_out,) = interaction.time_out("o1")
    interaction.apply(timed_out, T0)

    assert timed_out == ev.OfferTimedOut(interaction_id="i1", offer_id="o1", agent_id=7)
    assert interaction.state is State.QUEUED and interaction.declined_by == {7}


def test_a_transfer_goes_back_to_the_queue_keeping_its_original_age():
    interaction = given(created(), queued(), offered(), accepted(), at=T0)

    (transfer,) = interaction.transfer(by_agent_id=7, kind="queue", to_queue_id=2)
    interaction.apply(transfer, T0 + timedelta(minutes=5))

    assert interaction.state is State.QUEUED
    assert interaction.queue_id == 2
    assert interaction.first_queued_at == T0


def test_transfers_need_a_target_and_cannot_go_to_the_same_agent():
    interaction = given(created(), queued(), offered(), accepted())
    with pytest.raises(DomainError, match="needs the queue"):
        interaction.transfer(by_agent_id=7, kind="queue")
    with pytest.raises(DomainError, match="already with that agent"):
        interaction.transfer(by_agent_id=7, kind="agent", to_agent_id=7)


def test_wrap_up_needs_a_disposition_and_closes_the_interaction():
    interaction = given(
        created(),
        queued(),
        offered(),
        accepted(),
        ev.WrapUpStarted(interaction_id="i1", agent_id=7),
    )
    with pytest.raises(DomainError, match="disposition is required"):
        interaction.wrap_up(7, disposition="")

    events = interaction.wrap_up(7, disposition="resolved", notes="refunded")

    assert [e.type for e in events] == ["WrapUpCompleted", "InteractionClosed"]


def test_cannot_wrap_up_a_conversation_still_going_on():
    with pytest.raises(InvalidTransition, match="cannot wrap up: the interaction is active"):
        given(created(), queued(), offered(), accepted()).wrap_up(7, disposition="resolved")


def test_leaving_while_offered_rescinds_the_offer_and_abandons():
    interaction = given(created(), queued(), offered(), at=T0)

    events = interaction.abandon(now=T0 + timedelta(seconds=42))

    assert [e.type for e in events] == ["OfferRescinded", "InteractionAbandoned"]
    assert events[1].waited_seconds == 42


def test_leaving_during_the_conversation_starts_wrap_up_not_abandonment():
    events = given(created(), queued(), offered(), accepted()).abandon(now=T0)
    assert events == [ev.WrapUpStarted(interaction_id="i1", agent_id=7, reason="customer_left")]


def test_a_reply_within_the_window_reopens_a_closed_interaction():
    interaction = given(created(), ev.InteractionClosed(interaction_id="i1", reason="spam"))

    events = interaction.receive(message(), now=T0 + timedelta(days=1), reopen_window=WINDOW)

    assert [e.type for e in events] == ["InteractionReopened", "MessageReceived"]


def test_a_reply_after_the_window_does_not_reopen():
    interaction = given(created(), ev.InteractionClosed(interaction_id="i1"))
    with pytest.raises(ReopenWindowPassed):
        interaction.receive(message(), now=T0 + timedelta(days=8), reopen_window=WINDOW)


def test_an_auto_reply_to_a_closed_interaction_is_recorded_without_reopening_it():
    interaction = given(created(), ev.InteractionClosed(interaction_id="i1"))

    events = interaction.receive(message(automated=True), now=T0, reopen_window=WINDOW)

    assert [e.type for e in events] == ["MessageReceived"]


def test_agents_reply_only_while_they_have_the_interaction():
    reply = ev.MessageSent(
        interaction_id="i1", message_id="m2", channel="webchat", author="agent:7", text="hello"
    )
    with pytest.raises(InvalidTransition, match="cannot send a reply: the interaction is queued"):
        given(created(), queued()).send(reply)
    assert given(created(), queued(), offered(), accepted()).send(reply) == [reply]


def test_closing_an_active_interaction_names_the_agent_who_had_it():
    events = given(created(), queued(), offered(), accepted()).close("api")
    assert events == [ev.InteractionClosed(interaction_id="i1", reason="api", agent_id=7)]


def test_commands_on_a_missing_interaction_say_so():
    with pytest.raises(InvalidTransition, match="does not exist"):
        Interaction().accept("o1", 7)


def test_the_events_an_interaction_folds_are_the_ones_its_apply_matches():
    """Loading reads only Interaction.FOLDS (store.fold_stream): an event `apply` matches but
    FOLDS leaves out would be lost from every loaded interaction."""
    import ast
    import inspect
    import textwrap

    source = ast.parse(textwrap.dedent(inspect.getsource(Interaction.apply)))
    matched = {
        node.cls.attr
        for node in ast.walk(source)
        if isinstance(node, ast.MatchClass) and isinstance(node.cls, ast.Attribute)
    }
    assert matched and matched == Interaction.FOLDS
