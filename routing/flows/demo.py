"""The demo tenant's flow: a menu to Billing (with an account number), Sales or Support, on
the demo number's SMS and voice entry points."""

from routing import config
from routing.flows.models import Flow, FlowStep
from routing.models import EntryPoint, Queue

KEY = "main-menu"
# id: (kind, text, fields)
STEPS = {
    "welcome": ("message", "Thank you for contacting Demo Company.", {"next_step": "menu"}),
    "menu": (
        "menu",
        "What can we help you with?",
        {"options": "1 | Billing | billing\n2 | Sales | sales\n3 | Support | support"},
    ),
    "billing": (
        "collect",
        "Please enter your account number, 6 to 10 digits.",
        {
            "attribute": "account_number",
            "pattern": r"\d{6,10}",
            "next_step": "to-billing",
            "fallback_step": "to-billing",
        },
    ),
    "to-billing": ("route", "Thank you. Connecting you to Billing.", {"queue": "Billing"}),
    "sales": ("set", "", {"assignments": "priority = 1", "next_step": "to-sales"}),
    "to-sales": ("route", "Connecting you to Sales.", {"queue": "Sales"}),
    "support": ("route", "Connecting you to Support.", {"queue": "Support"}),
}
ENTRY_POINTS = [("sms", "+15005550006"), ("voice", "+15005550006")]


def seed(log) -> None:
    flow, created = Flow.objects.get_or_create(
        key=KEY, defaults={"name": "Demo Company", "start_step": "welcome"}
    )
    if created:
        for position, (step_id, (kind, text, fields)) in enumerate(STEPS.items()):
            if "queue" in fields:
                fields = {**fields, "queue": Queue.objects.get(name=fields["queue"])}
            FlowStep.objects.create(
                flow=flow, step_id=step_id, kind=kind, text=text, position=position, **fields
            )
    for channel, key in ENTRY_POINTS:
        EntryPoint.objects.filter(channel=channel, channel_key=key, flow__isnull=True).update(
            flow=flow
        )
    config.invalidate_on_change(EntryPoint)  # an update() sends no signal
    log(f"flows: {flow.name!r} ({len(STEPS)} steps) on SMS and voice of +15005550006")
