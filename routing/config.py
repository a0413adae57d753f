"""Routing configuration as the matching core sees it, read from the admin's tables.

Configuration changes rarely and every routing round needs it, so each process keeps a
snapshot. Every change saved through the ORM bumps one number (`ConfigurationGeneration`);
a snapshot older than TTL_SECONDS asks for that number (one row) and is read again only when
it moved, so edits in admin take effect within TTL_SECONDS everywhere. A change made behind
the ORM's back (SQL, a queryset's update()) is picked up within MAX_AGE_SECONDS. Reading the
whole configuration every couple of seconds cost a router with 200 agents a quarter of its
CPU (issue 18's profile).
"""

import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import time as dtime

from django.contrib.auth.models import User
from django.db.models import F

from channels_adapters import base as channel_registry
from contactcenter import roles
from contactcenter.roles import SUPERVISORS
from routing.calendars import calendar_open, next_change
from routing.matching import OverflowRule, QueuePolicy
from routing.models import AgentProfile, ConfigurationGeneration, EntryPoint, Queue, Team

TTL_SECONDS = 2.0
MAX_AGE_SECONDS = 60.0
# A lookup that misses asks again, but no more often than this (a queue since deleted).
RECHECK_SECONDS = 0.2


@dataclass(frozen=True)
class QueueConfig:
    queue_id: int
    name: str
    channels: tuple[str, ...]
    priority: int
    strategy: str
    required_skills: dict[str, int]
    overflow: tuple[OverflowRule, ...]
    offer_timeout_seconds: int
    wrap_up_limit_seconds: int
    max_size: int
    missed_offers_before_away: int
    known_agent_window_seconds: int
    sl_threshold_seconds: int
    sl_target_percent: int
    after_hours_action: str
    after_hours_message: str
    after_hours_queue_id: int | None
    dispositions: tuple[tuple[str, str], ...]
    hours: tuple[tuple[int, dtime, dtime], ...] | None  # None: always open
    holidays: frozenset[date] = frozenset()
    timezone: str = "UTC"
    screen_pop_url: str = ""
    # The scripts linked to the queue (contactcenter.scripts), active or not: the console
    # asks at every offer and answer, and most queues have none.
    script_ids: tuple[int, ...] = ()

    def is_open(self, at: datetime) -> bool:
        if self.hours is None:
            return True
        return calendar_open(list(self.hours), set(self.holidays), self.timezone, at)

    def next_hours_change(self, at: datetime) -> datetime | None:
        if self.hours is None:
            return None
        return next_change(list(self.hours), set(self.holidays), self.timezone, at)

    def policy(self, at: datetime) -> QueuePolicy:
        return QueuePolicy(
            queue_id=self.queue_id,
            name=self.name,
            strategy=self.strategy,
            required_skills=self.required_skills,
            overflow=self.overflow,
            is_open=self.is_open(at),
        )


@dataclass(frozen=True)
class AgentConfig:
    agent_id: int
    name: str
    skills: dict[str, int]
    capacity: dict[str, int]
    queues: frozenset[int]
    voice_blocks_other_work: bool
    is_supervisor: bool
    avatar_url: str = ""
    voice_endpoint: str = ""
    # What customers are told: the display name, else the first name only (never the rest).
    name_for_customers: str = ""


@dataclass(frozen=True)
class EntryConfig:
    """Where a channel's interactions start (admin: Entry points)."""

    queue_id: int
    priority: int
    flow_id: int | None


@dataclass(frozen=True)
class Snapshot:
    queues: dict[int, QueueConfig]
    agents: dict[int, AgentConfig]
    # (channel, channel key or "*") -> its entry point: every new interaction asks.
    entry_points: dict[tuple[str, str], EntryConfig] = field(default_factory=dict)
    # Channels whose work blocks other work (a call), from the channel registry.
    exclusive: frozenset[str] = frozenset()
    loaded_at: float = field(default_factory=time.monotonic)
    generation: int = 0
    # Who everyone is (their groups, the teams they lead, their queues): contactcenter/roles.py
    # asks it rather than a query per person.
    people: roles.People = field(default_factory=roles.People)


_lock = threading.Lock()
_snapshot: Snapshot | None = None
_checked_at = 0.0  # when the snapshot's generation was last found current


def current(fresh: bool = False, recheck: bool = False) -> Snapshot:
    """The snapshot; `recheck` asks for the generation unless it did in the last
    RECHECK_SECONDS rather than TTL_SECONDS, `fresh` reads everything again."""
    global _snapshot, _checked_at
    with _lock:
        now = time.monotonic()
        since = now - _checked_at
        if (
            _snapshot is not None
            and not fresh
            and since <= (RECHECK_SECONDS if recheck else TTL_SECONDS)
        ):
            return _snapshot
        generation = generation_now()
        if (
            fresh
            or _snapshot is None
            or generation != _snapshot.generation
            or now - _snapshot.loaded_at > MAX_AGE_SECONDS
        ):
            _snapshot = load(generation)
        _checked_at = now
        return _snapshot


def queue(queue_id: int | None) -> QueueConfig | None:
    """The queue as configured. One this snapshot lacks may have been saved a moment ago (an
    interaction already in it, an agent opening it): a miss asks for the generation at once
    instead of showing a queue-less view until the snapshot next checks."""
    return None if queue_id is None else _rechecked_on_a_miss(lambda s: s.queues.get(queue_id))


def agent(agent_id: int) -> AgentConfig | None:
    """The agent as configured; a miss asks again at once, as `queue` does (an agent whose
    console connects a moment after an admin made them one)."""
    return _rechecked_on_a_miss(lambda s: s.agents.get(agent_id))


def _rechecked_on_a_miss[T](pick: Callable[[Snapshot], T | None]) -> T | None:
    found = pick(current())
    return found if found is not None else pick(current(recheck=True))


def generation_now() -> int:
    row = ConfigurationGeneration.objects.filter(pk=1).values_list("number", flat=True)
    return row.first() or 0


def bump_generation() -> None:
    """Tell every process its snapshot is stale (inside the change's transaction)."""
    updated = ConfigurationGeneration.objects.filter(pk=1).update(number=F("number") + 1)
    if not updated:
        ConfigurationGeneration.objects.bulk_create(
            [ConfigurationGeneration(pk=1, number=1)],
            update_conflicts=True,
            unique_fields=["id"],
            update_fields=["number"],
        )


def invalidate() -> None:
    global _snapshot
    with _lock:
        _snapshot = None


def invalidate_on_change(sender, **kwargs) -> None:
    """A configuration model changed: this process reads it again at once, others within
    TTL_SECONDS."""
    if sender is not ConfigurationGeneration:
        bump_generation()
    invalidate()


def load(generation: int | None = None) -> Snapshot:
    # The number first: a change that commits while we read is then seen as one to read.
    generation = generation_now() if generation is None else generation
    # Then who the users are: anyone made after is not in the snapshot's People, and is asked
    # of the database, so no one new is taken for someone without roles.
    users = frozenset(User.objects.values_list("pk", flat=True))
    queues = {}
    for queue in Queue.objects.prefetch_related(
        "required_skills__skill",
        "overflow_steps__skill",
        "dispositions",
        "calendar__hours",
        "calendar__holidays",
        "scripts",
    ):
        calendar = queue.calendar
        queues[queue.pk] = QueueConfig(
            queue_id=queue.pk,
            name=queue.name,
            channels=tuple(queue.channels or ()),
            priority=queue.priority,
            strategy=queue.strategy,
            required_skills={qs.skill.name: qs.min_level for qs in queue.required_skills.all()},
            overflow=tuple(
                OverflowRule(
                    after_seconds=step.after_seconds,
                    action=step.action,
                    skill=step.skill.name if step.skill else "",
                    relaxed_level=step.relaxed_level or 0,
                    target_queue_id=step.target_queue_id,
                )
                for step in sorted(queue.overflow_steps.all(), key=lambda s: s.after_seconds)
            ),
            offer_timeout_seconds=queue.offer_timeout_seconds,
            wrap_up_limit_seconds=queue.wrap_up_limit_seconds,
            max_size=queue.max_size,
            missed_offers_before_away=queue.missed_offers_before_away,
            known_agent_window_seconds=queue.known_agent_window_seconds,
            sl_threshold_seconds=queue.sl_threshold_seconds,
            sl_target_percent=queue.sl_target_percent,
            after_hours_action=queue.after_hours_action,
            after_hours_message=queue.after_hours_message,
            after_hours_queue_id=queue.after_hours_queue_id,
            dispositions=tuple((d.code, d.label) for d in queue.dispositions.all() if d.active),
            hours=None
            if calendar is None
            else tuple((h.weekday, h.opens, h.closes) for h in calendar.hours.all()),
            holidays=frozenset()
            if calendar is None
            else frozenset(h.date for h in calendar.holidays.all()),
            timezone=calendar.timezone if calendar else "UTC",
            screen_pop_url=queue.screen_pop_url,
            script_ids=tuple(sorted(script.pk for script in queue.scripts.all())),
        )
    supervisors = set(
        User.objects.filter(groups__name=SUPERVISORS).values_list("pk", flat=True)
    ) | set(User.objects.filter(is_superuser=True).values_list("pk", flat=True))
    agents, profiles = {}, {}
    for profile in AgentProfile.objects.select_related("user").prefetch_related(
        "skills__skill", "queues", "capacities"
    ):
        profiles[profile.user_id] = frozenset(q.pk for q in profile.queues.all())
        if not profile.user.is_active:
            continue
        agents[profile.user_id] = AgentConfig(
            agent_id=profile.user_id,
            name=profile.name,
            skills={s.skill.name: s.level for s in profile.skills.all()},
            capacity=profile.capacity(),
            queues=profiles[profile.user_id],
            voice_blocks_other_work=profile.voice_blocks_other_work,
            is_supervisor=profile.user_id in supervisors,
            avatar_url=profile.avatar_url,
            voice_endpoint=profile.voice_endpoint,
            name_for_customers=profile.display_name
            or profile.user.first_name
            or profile.user.username,
        )
    entry_points = {
        (channel, key): EntryConfig(queue_id, priority, flow_id)
        for channel, key, queue_id, priority, flow_id in EntryPoint.objects.values_list(
            "channel", "channel_key", "queue_id", "priority", "flow_id"
        )
    }
    return Snapshot(
        queues=queues,
        agents=agents,
        entry_points=entry_points,
        exclusive=channel_registry.exclusive(),
        generation=generation,
        loaded_at=time.monotonic(),
        people=_people(users, profiles),
    )


def _people(users: frozenset[int], profiles: dict[int, frozenset[int]]) -> roles.People:
    """The users' groups and teams, in a query each, with the agent profiles' queues read
    above."""
    groups: dict[int, set[str]] = defaultdict(set)
    for user_id, name in User.groups.through.objects.values_list("user_id", "group__name"):
        groups[user_id].add(name)
    leads: dict[int, set[int]] = defaultdict(set)
    members: dict[int, set[int]] = defaultdict(set)
    for through, by_team in ((Team.leads.through, leads), (Team.members.through, members)):
        for team_id, user_id in through.objects.values_list("team_id", "user_id"):
            by_team[team_id].add(user_id)
    led: dict[int, set[int]] = defaultdict(set)
    for team_id, team_leads in leads.items():
        for lead in team_leads:
            led[lead] |= members[team_id]
    return roles.People(
        users=users,
        groups={user_id: frozenset(names) for user_id, names in groups.items()},
        led={lead: frozenset(team) for lead, team in led.items()},
        queues=profiles,
    )
