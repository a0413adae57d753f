"""Flows for tests, built in the database the way admin saves them."""

import itertools

from routing.flows.models import Flow, FlowStep
from routing.models import EntryPoint, Queue

_keys = itertools.count(1)


def a_flow(start: str, steps: dict[str, dict], **fields) -> Flow:
    """`steps`: step id -> FlowStep fields (kind, text, options, next_step, queue, …)."""
    flow = Flow.objects.create(
        key=fields.pop("key", f"flow-{next(_keys)}"),
        name=fields.pop("name", "Acme"),
        start_step=start,
        **fields,
    )
    for position, (step_id, values) in enumerate(steps.items()):
        FlowStep.objects.create(flow=flow, step_id=step_id, position=position, **values)
    return flow


def menu_flow(billing: Queue, sales: Queue, support: Queue, **fields) -> Flow:
    """The shape every channel test uses: a menu; billing asks an account number and needs the
    billing skill at level 5; sales is served first."""
    return a_flow(
        "welcome",
        {
            "welcome": {"kind": "message", "text": "Welcome to Acme.", "next_step": "menu"},
            "menu": {
                "kind": "menu",
                "text": "What do you need?",
                "options": "1 | Billing | billing\n2 | Sales | sales\n3 | Support | support",
            },
            "billing": {
                "kind": "collect",
                "text": "Your account number?",
                "attribute": "account_number",
                "pattern": r"\d{6}",
                "next_step": "billing-skill",
                "retries": 1,
            },
            "billing-skill": {
                "kind": "set",
                "assignments": "skill = billing:5\nlanguage = en",
                "next_step": "to-billing",
            },
            "to-billing": {"kind": "route", "text": "Connecting you.", "queue": billing},
            "sales": {"kind": "set", "assignments": "priority = 3", "next_step": "to-sales"},
            "to-sales": {"kind": "route", "queue": sales},
            "support": {"kind": "route", "queue": support},
        },
        **fields,
    )


def at_entry(flow: Flow, channel: str, queue: Queue, key: str = "*") -> EntryPoint:
    entry, _ = EntryPoint.objects.update_or_create(
        channel=channel, channel_key=key, defaults={"queue": queue, "flow": flow}
    )
    return entry
