"""Routing configuration for tests: queues, agents and their profiles, built in the database."""

import itertools

from django.contrib.auth.models import Group, User

from contactcenter.roles import AGENTS, SUPERVISORS
from routing import config
from routing.models import (
    AgentCapacity,
    AgentProfile,
    AgentSkill,
    AwayReason,
    Disposition,
    EntryPoint,
    OverflowStep,
    Queue,
    QueueSkill,
    Skill,
)
from routing.presence import set_presence

_names = itertools.count(1)


def skill(name: str) -> Skill:
    return Skill.objects.get_or_create(name=name)[0]


def a_queue(
    name: str | None = None,
    *,
    channels=("webchat", "email", "sms", "voice", "slack"),
    skills: dict[str, int] | None = None,
    entry: str | None = "webchat:*",
    dispositions=("resolved", "follow-up"),
    **fields,
) -> Queue:
    queue = Queue.objects.create(
        name=name or f"queue {next(_names)}",
        channels=list(channels),
        **{"offer_timeout_seconds": 30, "wrap_up_limit_seconds": 120, **fields},
    )
    for skill_name, level in (skills or {}).items():
        QueueSkill.objects.create(queue=queue, skill=skill(skill_name), min_level=level)
    for code in dispositions:
        queue.dispositions.add(
            Disposition.objects.get_or_create(code=code, defaults={"label": code})[0]
        )
    if entry:
        channel, key = entry.split(":", 1)
        EntryPoint.objects.update_or_create(
            channel=channel, channel_key=key, defaults={"queue": queue}
        )
    config.invalidate()
    return queue


def overflow(queue: Queue, after_seconds: int, action: str, **fields) -> OverflowStep:
    if "skill" in fields:
        fields["skill"] = skill(fields["skill"])
    step = OverflowStep.objects.create(
        queue=queue, after_seconds=after_seconds, action=action, **fields
    )
    config.invalidate()
    return step


def an_agent(
    *queues: Queue,
    username: str | None = None,
    skills: dict[str, int] | None = None,
    supervisor: bool = False,
    available: bool = True,
    **capacity,
) -> User:
    user = User.objects.create_user(username or f"agent-{next(_names)}", password="pw-for-tests")
    user.groups.add(Group.objects.get_or_create(name=AGENTS)[0])
    if supervisor:
        user.groups.add(Group.objects.get_or_create(name=SUPERVISORS)[0])
    profile = AgentProfile.objects.create(user=user)
    for field, n in capacity.items():  # capacity_webchat=2: that channel's AgentCapacity row
        AgentCapacity.objects.create(
            agent=profile, channel=field.removeprefix("capacity_"), capacity=n
        )
    profile.queues.set(queues)
    for skill_name, level in (skills or {}).items():
        AgentSkill.objects.create(agent=profile, skill=skill(skill_name), level=level)
    AwayReason.objects.get_or_create(code="break", defaults={"label": "Break"})
    config.invalidate()
    if available:
        set_presence(user.pk, "available")
    return user
