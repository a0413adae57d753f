"""A lookup step asks the business's system and branches on its answer. Here the engine alone
(pure): the shell's call is passed in as `Context.look_up`, the way the runner passes
routing.flows.lookups.ask (tested against a real HTTPS server in test_lookups.py)."""

from datetime import UTC, datetime

from routing.flows import engine
from routing.flows.engine import (
    Context,
    FlowDefinition,
    Kind,
    LookupAnswer,
    LookupCall,
    Reply,
    Session,
    Step,
)
from routing.flows.validation import validate

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)

ORDERS = FlowDefinition(
    key="orders",
    name="Acme",
    start="ask",
    steps={
        s.id: s
        for s in (
            Step(
                "ask",
                Kind.COLLECT,
                text="Your order number?",
                attribute="order_number",
                pattern=r"A-\d{4}",
                next="find",
            ),
            Step(
                "find",
                Kind.LOOKUP,
                lookup_id=7,
                inputs=("order_number",),
                assignments={"order_status": "status", "shipped_on": "shipment.date"},
                next="shipped?",
                fallback="sorry",
            ),
            Step(
                "shipped?",
                Kind.CONDITION,
                attribute="order_status",
                pattern="shipped",
                next="tell",
                fallback="to-agent",
            ),
            Step(
                "tell",
                Kind.END,
                text="Order {order_number} shipped on {shipped_on}. Anything else: reply here.",
            ),
            Step(
                "sorry",
                Kind.ROUTE,
                text="I cannot see orders right now: an agent will help.",
                queue_id=3,
            ),
            Step("to-agent", Kind.ROUTE, text="Connecting you to an agent.", queue_id=3),
        )
    },
)


def asking(answer: LookupAnswer, calls: list[LookupCall]) -> Context:
    def look_up(call: LookupCall) -> LookupAnswer:
        calls.append(call)
        return answer

    return Context(interaction_id="i-1", channel="webchat", now=NOW, look_up=look_up)


def give_order_number(answer: LookupAnswer, calls: list | None = None):
    calls = [] if calls is None else calls
    ctx = asking(answer, calls)
    first = engine.start(ORDERS, ctx)
    session = Session.from_events(first.events)
    return engine.answer(ORDERS, session, Reply(text="A-1001"), ctx)


def said(result) -> list[str]:
    return [e.text for e in result.events if e.type == "MessageSent"]


def test_a_lookup_sends_the_collected_values_and_its_answer_fills_the_reply():
    calls = []
    answer = LookupAnswer(
        "answered",
        {"status": "shipped", "shipment": {"date": "2026-11-28", "carrier": "DHL"}},
        status=200,
        attempts=1,
    )

    result = give_order_number(answer, calls)

    assert calls == [
        LookupCall(
            interaction_id="i-1",
            flow="orders",
            step="find",
            lookup_id=7,
            values={"order_number": "A-1001"},
        )
    ]
    assert said(result) == ["Order A-1001 shipped on 2026-11-28. Anything else: reply here."]
    assert result.close  # contained: nobody needed
    looked = next(e for e in result.events if e.type == "FlowLookupAnswered")
    assert (looked.sent, looked.outcome, looked.status) == (
        {"order_number": "A-1001"},
        "answered",
        200,
    )
    kept = [e.attributes for e in result.events if e.type == "FlowAttributesSet"]
    assert {"order_status": "shipped", "shipped_on": "2026-11-28"} in kept


def test_the_answer_branches_the_flow_an_unshipped_order_goes_to_an_agent_with_what_was_found():
    result = give_order_number(LookupAnswer("answered", {"status": "packing"}, status=200))

    assert said(result) == ["Connecting you to an agent."]
    completed = next(e for e in result.events if e.type == "FlowCompleted")
    assert completed.outcome == "queued" and completed.queue_id == 3
    # what the agent's customer panel shows: the order and what the system said of it
    assert completed.attributes == {"order_number": "A-1001", "order_status": "packing"}


def test_a_lookup_that_gets_no_answer_takes_the_fallback_and_tells_the_agent_why():
    for outcome in ("timeout", "error", "malformed", "circuit_open", "not_found"):
        result = give_order_number(LookupAnswer(outcome))

        assert said(result) == ["I cannot see orders right now: an agent will help."], outcome
        completed = next(e for e in result.events if e.type == "FlowCompleted")
        assert completed.attributes["lookup_failed"] == outcome
        entered = [e for e in result.events if e.type == "FlowStepEntered" and e.step == "find"]
        assert entered[0].note == outcome  # the path in the console says so too


def test_without_a_shell_to_ask_a_lookup_is_unconfigured_and_falls_back():
    ctx = Context(interaction_id="i-1", channel="webchat", now=NOW)
    session = Session.from_events(engine.start(ORDERS, ctx).events)

    result = engine.answer(ORDERS, session, Reply(text="A-1001"), ctx)

    assert said(result) == ["I cannot see orders right now: an agent will help."]


def test_answer_fields_that_are_missing_or_not_single_values_are_not_kept():
    result = give_order_number(
        LookupAnswer("answered", {"status": "shipped", "shipment": {"date": ["a", "b"]}})
    )

    kept = [e.attributes for e in result.events if e.type == "FlowAttributesSet"]
    assert {"order_status": "shipped"} in kept
    # the placeholder nothing set stays visible rather than reading as an empty date
    assert said(result) == ["Order A-1001 shipped on {shipped_on}. Anything else: reply here."]


def test_a_lookup_step_needs_its_endpoint_both_branches_and_field_names():
    broken = FlowDefinition(
        key="b",
        name="B",
        start="find",
        steps={
            "find": Step("find", Kind.LOOKUP, assignments={"x": "no spaces allowed"}),
        },
    )

    problems = " ".join(validate(broken))

    assert "needs the endpoint to ask" in problems
    assert "a next step (answered) and a fallback (no answer)" in problems
    assert "'no spaces allowed' is not a field's name" in problems
    assert validate(ORDERS) == []
