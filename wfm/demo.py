"""The demo tenant's workforce management: two shift templates and a contract for each agent
(get-or-create, so seeding twice changes nothing)."""

from datetime import time

from routing.models import AgentProfile
from wfm.models import Contract, ShiftTemplate

TEMPLATES = {
    # name: (minutes, earliest start, latest start, breaks)
    "day-8h": (
        510,
        time(7, 0),
        time(12, 0),
        [
            {"kind": "break", "minutes": 15, "earliest": 90, "latest": 150},
            {"kind": "lunch", "minutes": 30, "earliest": 210, "latest": 300, "paid": False},
            {"kind": "break", "minutes": 15, "earliest": 360, "latest": 420},
        ],
    ),
    "part-4h": (
        240,
        time(12, 0),
        time(17, 0),
        [{"kind": "break", "minutes": 15, "earliest": 90, "latest": 150}],
    ),
}


def seed(log) -> None:
    made = {}
    for name, (minutes, earliest, latest, breaks) in TEMPLATES.items():
        made[name], _ = ShiftTemplate.objects.get_or_create(
            name=name,
            defaults={
                "minutes": minutes,
                "earliest_start": earliest,
                "latest_start": latest,
                "start_step_minutes": 30,
                "breaks": breaks,
            },
        )
    for profile in AgentProfile.objects.select_related("user").order_by("user_id"):
        contract, created = Contract.objects.get_or_create(
            agent=profile.user,
            defaults={"min_hours_per_week": 30, "max_hours_per_week": 40, "max_days_per_week": 5},
        )
        if created:
            contract.templates.add(made["day-8h"])
    log(f"shift templates: {', '.join(TEMPLATES)}; a 30-40 h contract per agent")
