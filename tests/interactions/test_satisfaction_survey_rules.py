"""The survey's rules on the Interaction aggregate: asked once, after an agent's conversation;
a rating is awaited while it is over, unrated and within the window. No database."""

from datetime import timedelta

import pytest

from contactcenter.interactions import events as ev
from contactcenter.interactions.domain import InvalidTransition
from tests.interactions.test_state_machine import T0, accepted, created, given, offered, queued

WINDOW = timedelta(hours=72)


def closed():
    return [
        created(),
        queued(),
        offered(),
        accepted(),
        ev.WrapUpStarted(interaction_id="i1", agent_id=7),
        ev.WrapUpCompleted(interaction_id="i1", agent_id=7, disposition="resolved"),
        ev.InteractionClosed(interaction_id="i1", reason="wrapped_up"),
    ]


def survey():
    return ev.MessageSent(
        interaction_id="i1", message_id="s1", channel="webchat", author="system", text="1 to 5?"
    )


def test_a_closed_conversation_is_asked_with_its_survey_message():
    events = given(*closed()).ask_for_rating(survey())

    assert [type(e).__name__ for e in events] == ["CsatSurveySent", "MessageSent"]
    assert events[0].message_id == "s1"


def test_it_is_asked_once_and_not_after_a_rating():
    asked = ev.CsatSurveySent(interaction_id="i1", channel="webchat", message_id="s1")
    rated = ev.CsatRated(interaction_id="i1", rating=5)

    assert given(*closed(), asked).ask_for_rating(survey()) == []
    assert given(*closed(), rated).ask_for_rating(survey()) == []


def test_nobody_is_asked_about_a_conversation_no_agent_had_or_one_still_going():
    assert given(created(), ev.InteractionClosed(interaction_id="i1")).ask_for_rating() == []
    with pytest.raises(InvalidTransition):
        given(created(), queued(), offered(), accepted()).ask_for_rating(survey())


def test_a_rating_is_awaited_only_while_over_unrated_and_in_the_window():
    asked = ev.CsatSurveySent(interaction_id="i1", channel="sms")
    waiting = given(*closed(), asked)

    assert waiting.awaits_rating(T0 + timedelta(hours=1), WINDOW)
    assert not waiting.awaits_rating(T0 + timedelta(hours=73), WINDOW)
    assert not given(*closed()).awaits_rating(T0, WINDOW)  # never asked
    rated = given(*closed(), asked, ev.CsatRated(interaction_id="i1", rating=3))
    assert not rated.awaits_rating(T0, WINDOW)
    reopened = given(*closed(), asked, ev.InteractionReopened(interaction_id="i1"))
    assert not reopened.awaits_rating(T0, WINDOW)
