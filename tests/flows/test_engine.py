"""The flow engine decides alone: given a definition and what the customer said, the events
of the way. No database."""

from datetime import UTC, datetime, time

from routing.flows import engine
from routing.flows.engine import Context, FlowDefinition, Hours, Kind, Option, Reply, Session, Step

MONDAY_NOON = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
MONDAY_NIGHT = datetime(2026, 11, 23, 23, 0, tzinfo=UTC)


def flow(start: str, *steps: Step) -> FlowDefinition:
    return FlowDefinition(key="f", name="Acme", start=start, steps={s.id: s for s in steps})


def ctx(now=MONDAY_NOON, number="") -> Context:
    return Context(interaction_id="i-1", channel="sms", now=now, customer_number=number)


MENU = flow(
    "menu",
    Step(
        "menu",
        Kind.MENU,
        text="Billing or sales?",
        options=(Option("1", "Billing", "billing"), Option("2", "Sales", "sales")),
        retries=1,
    ),
    Step("billing", Kind.SET, assignments={"skill": "billing:5", "priority": "2"}, next="to-b"),
    Step("to-b", Kind.ROUTE, queue_id=10),
    Step("sales", Kind.END, text="Visit our shop online. Bye!"),
)


def types(result) -> list[str]:
    return [e.type for e in result.events]


def after(flow_def, result) -> Session:
    return Session.from_events([*Session_start(flow_def), *result.events])


def Session_start(flow_def):
    from contactcenter.interactions.events import SelfServiceStarted

    return [SelfServiceStarted(interaction_id="i-1", flow=flow_def.key)]


def test_a_menu_prompt_carries_its_options_for_every_channel_to_render():
    result = engine.start(MENU, ctx())

    assert types(result) == ["FlowStepEntered", "MessageSent"]
    prompt = result.events[-1]
    assert prompt.author == "flow" and prompt.text == "Billing or sales?"
    assert prompt.channel_data["flow"]["step"] == "menu"
    assert prompt.channel_data["flow"]["options"] == [
        {"value": "1", "label": "Billing"},
        {"value": "2", "label": "Sales"},
    ]
    assert result.route is None and not result.close


def test_an_answer_by_key_by_label_or_by_a_spoken_sentence_picks_the_same_option():
    started = engine.start(MENU, ctx())
    session = after(MENU, started)
    for reply in (
        Reply(text="1"),
        Reply(text="billing"),
        Reply(text="Billing", choice="1"),
        Reply(text="I have a billing question."),
    ):
        result = engine.answer(MENU, session, reply, ctx())
        assert result.route == engine.Route(10, "queued", 2, {"billing": 5}), reply


def test_attributes_set_on_the_way_reach_the_route_and_are_recorded():
    session = after(MENU, engine.start(MENU, ctx()))

    result = engine.answer(MENU, session, Reply(text="1"), ctx())

    assert types(result) == [
        "FlowAnswerGiven",
        "FlowStepEntered",
        "FlowAttributesSet",
        "FlowStepEntered",
        "FlowCompleted",
    ]
    done = result.events[-1]
    assert (done.outcome, done.queue_id, done.priority) == ("queued", 10, 2)
    assert done.attributes == {"skill": "billing:5", "priority": "2"}


def test_an_answer_that_fits_nothing_asks_again_then_takes_the_default_exit():
    session = after(MENU, engine.start(MENU, ctx()))

    again = engine.answer(MENU, session, Reply(text="pizza"), ctx())
    assert types(again) == ["FlowAnswerGiven", "MessageSent"]
    assert again.events[0].valid is False
    assert again.events[1].text == "Sorry, I did not get that. Billing or sales?"

    first = engine.start(MENU, ctx())
    session = after(MENU, engine.Result(events=[*first.events, *again.events]))
    assert session.attempts == 1
    out = engine.answer(MENU, session, Reply(text="pizza again"), ctx())
    assert out.route == engine.Route(None, "queued")  # the entry point's queue


def test_an_end_step_closes_the_interaction_in_self_service():
    session = after(MENU, engine.start(MENU, ctx()))

    result = engine.answer(MENU, session, Reply(text="2"), ctx())

    assert result.close and result.route is None
    assert result.events[-1].outcome == "ended"


def test_collect_checks_the_pattern_and_stores_the_answer():
    collect = flow(
        "ask",
        Step(
            "ask",
            Kind.COLLECT,
            text="Account?",
            attribute="account_number",
            pattern=r"\d{6}",
            next="go",
        ),
        Step("go", Kind.ROUTE, queue_id=1),
    )
    session = after(collect, engine.start(collect, ctx()))
    bad = engine.answer(collect, session, Reply(text="12ab"), ctx())
    assert bad.events[0].valid is False and bad.route is None

    good = engine.answer(collect, session, Reply(text="123456"), ctx())

    assert good.events[1].attributes == {"account_number": "123456"}
    assert good.route.queue_id == 1


def test_a_business_hours_branch_follows_the_calendar():
    weekdays = Hours(weekly=tuple((d, time(8), time(20)) for d in range(5)))
    hours = flow(
        "open?",
        Step("open?", Kind.HOURS, hours=weekdays, next="live", fallback="leave"),
        Step("live", Kind.ROUTE, queue_id=1),
        Step("leave", Kind.VOICEMAIL, text="We are closed: leave a message.", queue_id=2),
    )

    assert engine.start(hours, ctx(MONDAY_NOON)).route.queue_id == 1
    closed = engine.start(hours, ctx(MONDAY_NIGHT))
    assert closed.events[0].note == "closed" and closed.route is None
    message = engine.answer(hours, after(hours, closed), Reply(text="Call me"), ctx())
    assert message.route == engine.Route(2, "voicemail")


def test_a_callback_needs_a_number_and_asks_for_the_call():
    callback = flow("cb", Step("cb", Kind.CALLBACK, text="We will call you.", queue_id=3))

    placed = engine.start(callback, ctx(number="+15551230003"))
    nowhere = engine.start(callback, ctx())

    assert "CallbackRequested" in types(placed)
    assert placed.route == engine.Route(3, "callback", callback_number="+15551230003")
    assert nowhere.route.outcome == "queued" and "CallbackRequested" not in types(nowhere)


def problems(*steps: Step, start="a") -> list[str]:
    return engine.validate(flow(start, *steps))


def test_a_flow_that_can_run_has_no_problems():
    assert engine.validate(MENU) == []


def test_a_missing_target_is_named():
    (problem,) = problems(Step("a", Kind.MESSAGE, text="hi", next="b"))
    assert problem == "step 'a': its next step leads to 'b', which is missing"


def test_an_unreachable_step_is_named():
    (problem,) = problems(Step("a", Kind.END), Step("b", Kind.END), Step("c", Kind.END))
    assert problem == "steps 'b', 'c' cannot be reached from the start step 'a'"


def test_a_loop_with_no_exit_is_refused():
    options = (Option("1", "Again", "b"),)
    found = problems(
        Step("a", Kind.MENU, text="?", options=options, fallback="b"),
        Step("b", Kind.MESSAGE, text="…", next="a"),
    )
    assert found == [
        "a loop with no exit: a → b → a: none of these steps leads to a route, voicemail, "
        "callback or end step"
    ]


def test_a_loop_that_never_waits_for_the_customer_is_refused():
    weekdays = Hours(weekly=((0, time(8), time(20)),))
    found = problems(
        Step("a", Kind.HOURS, hours=weekdays, next="b", fallback="c"),
        Step("b", Kind.MESSAGE, text="…", next="a"),
        Step("c", Kind.END),
    )
    assert found == [
        "a loop that never waits for the customer: a → b → a: put a menu or a collect step in "
        "it, or break it"
    ]


def test_each_kind_says_what_it_lacks():
    found = problems(
        Step("a", Kind.MENU, text=""),
        Step("b", Kind.ROUTE),
        Step("c", Kind.SET, assignments={"priority": "high", "skill": "billing:11"}, next="b"),
        Step("d", Kind.COLLECT, text="?", pattern="(", next="b"),
    )
    assert "step 'a': a menu needs at least one option" in found
    assert "step 'b': a route step needs a queue" in found
    assert "step 'c': priority 'high' is not a whole number" in found
    assert "step 'c': skill 'billing:11' should read 'name' or 'name:level' (level 1-10)" in found
    assert "step 'd': a collect step needs the attribute to store the answer in" in found
    assert any(p.startswith("step 'd': its pattern is not a regular expression") for p in found)
