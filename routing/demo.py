"""The demo tenant's routing: skills, queues, dispositions, away reasons and agent profiles."""

from datetime import time

from django.contrib.auth.models import User

from channels_adapters import base as channel_registry
from routing.models import (
    AgentCapacity,
    AgentProfile,
    AgentSkill,
    AwayReason,
    BusinessCalendar,
    Disposition,
    EntryPoint,
    OpeningHours,
    Queue,
    QueueSkill,
    Skill,
)

SKILLS = {
    "sales": "Selling plans and upgrades",
    "support": "Troubleshooting",
    "billing": "Invoices, refunds, payment problems",
    "spanish": "Speaks Spanish",
}
DISPOSITIONS = {
    "resolved": "Resolved",
    "follow-up": "Needs follow-up",
    "refund": "Refund issued",
    "sale": "Sale made",
    "no-sale": "No sale",
    "escalated": "Escalated",
    "spam": "Spam",
}
QUEUES = {
    # name: (channels, priority, skill, dispositions)
    "Sales": (
        None,  # every registered channel (read from the registry when seeding)
        1,
        "sales",
        ["sale", "no-sale", "follow-up", "spam"],
    ),
    "Support": (
        None,  # every registered channel (read from the registry when seeding)
        0,
        "support",
        ["resolved", "follow-up", "escalated", "spam"],
    ),
    "Billing": (
        None,  # every registered channel (read from the registry when seeding)
        2,
        "billing",
        ["resolved", "refund", "follow-up", "escalated", "spam"],
    ),
}
AWAY_REASONS = {
    "break": ("Break", 15),
    "lunch": ("Lunch", 60),
    "meeting": ("Meeting", 60),
    "training": ("Training", 0),
}
# agent: (queues, skills with levels)
AGENTS = {
    "agent1": (["Support", "Sales"], {"support": 8, "sales": 4}),
    "agent2": (["Support"], {"support": 6, "spanish": 9}),
    "agent3": (["Billing", "Support"], {"billing": 9, "support": 5}),
    "agent4": (["Billing"], {"billing": 6, "spanish": 7}),
    "agent5": (["Sales"], {"sales": 9}),
    "agent6": (["Sales", "Support", "Billing"], {"sales": 5, "support": 5, "billing": 5}),
    "supervisor": (["Sales", "Support", "Billing"], {"sales": 7, "support": 9, "billing": 7}),
}
# agent: capacity per channel where it differs from the channel's default (AgentCapacity)
CAPACITY = {
    "agent6": {"email": 8},  # the generalist takes more mail at once
}
ENTRY_POINTS = [
    ("webchat", "demo", "Support"),
    ("email", "support@example.com", "Support"),
    ("sms", "+15005550006", "Support"),
    ("voice", "+15005550006", "Support"),
    ("slack", "*", "Support"),
]


def seed(log) -> None:
    skills = {
        name: Skill.objects.get_or_create(name=name, defaults={"description": d})[0]
        for name, d in SKILLS.items()
    }
    dispositions = {
        code: Disposition.objects.get_or_create(code=code, defaults={"label": label})[0]
        for code, label in DISPOSITIONS.items()
    }
    for code, (label, limit) in AWAY_REASONS.items():
        AwayReason.objects.get_or_create(
            code=code, defaults={"label": label, "limit_minutes": limit}
        )
    calendar, created = BusinessCalendar.objects.get_or_create(
        name="Office hours (Mon-Fri 08-20 UTC)", defaults={"timezone": "UTC"}
    )
    if created:
        for weekday in range(5):
            OpeningHours.objects.create(
                calendar=calendar, weekday=weekday, opens=time(8), closes=time(20)
            )
    queues = {}
    for name, (channels, priority, skill, codes) in QUEUES.items():
        queue, created = Queue.objects.get_or_create(
            name=name,
            defaults={
                "channels": channels or channel_registry.names(),
                "priority": priority,
                "sl_threshold_seconds": 30,
                "sl_target_percent": 80,
                "offer_timeout_seconds": 30,
                "wrap_up_limit_seconds": 180,
                "known_agent_window_seconds": 24 * 3600,
            },
        )
        if created:
            QueueSkill.objects.create(queue=queue, skill=skills[skill], min_level=3)
            queue.dispositions.set([dispositions[c] for c in codes])
        queues[name] = queue
    for username, (queue_names, levels) in AGENTS.items():
        user = User.objects.get(username=username)
        profile, created = AgentProfile.objects.get_or_create(user=user)
        if created:
            profile.queues.set([queues[n] for n in queue_names])
            for skill, level in levels.items():
                AgentSkill.objects.create(agent=profile, skill=skills[skill], level=level)
            for channel, capacity in CAPACITY.get(username, {}).items():
                AgentCapacity.objects.create(agent=profile, channel=channel, capacity=capacity)
    for channel, key, queue_name in ENTRY_POINTS:
        EntryPoint.objects.get_or_create(
            channel=channel, channel_key=key, defaults={"queue": queues[queue_name]}
        )
    log(
        f"routing: queues {', '.join(QUEUES)}; skills {', '.join(SKILLS)}; "
        f"{len(AGENTS)} agent profiles; entry points for every channel"
    )
