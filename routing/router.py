"""The router: the database shell around the matching core, and its timers.

Each round claims waiting interactions and available agents with row locks (SKIP LOCKED on
PostgreSQL), so several routers never offer one interaction twice or fill one agent past
capacity; runs the pure matcher; and appends the offers. Timers (offer timeouts, wrap-up
limits, overflow steps, visitors who left) are projected rows, so a router that restarts, or
another router, finds every one still due. docs/routing.md tells the whole story.
"""

import logging
import threading
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import Error as DatabaseFailure

from contactcenter import clock
from contactcenter.commands import command
from contactcenter.events import aggregate as aggregates
from contactcenter.events import row_statements, store
from contactcenter.events.aggregate import Aggregate
from contactcenter.events.listen import listen
from contactcenter.interactions.commands import from_row
from contactcenter.interactions.domain import DomainError
from contactcenter.interactions.models import Interaction as InteractionRow
from contactcenter.workers.loop import Loop, woken_by_commits
from contactcenter.workers.set_aside import SetAside
from routing import config, offers, presence
from routing.events import QueueHoursChanged
from routing.matching import EPOCH, Agent, Assignment, Matcher, QueuePolicy, WorkItem
from routing.models import AgentState, QueueState, Timer, load_of

log = logging.getLogger(__name__)

ITEMS_PER_QUEUE = 50  # per round: the oldest, highest-priority waiting work of each queue
TIMERS_PER_ROUND = 200
# What the matcher needs of an available agent's state, then the rest of the row: the
# offers' projection takes the rows of the agents offered work as the claim read them.
CLAIMED = ("agent_id", "work", "softphone_on", "idle_since", "presence_since", "last_offer_at")
CLAIMED += tuple(f.attname for f in AgentState._meta.concrete_fields if f.attname not in CLAIMED)
_agent_states = row_statements.Remembered(AgentState, CLAIMED)
MAX_IDLE_SECONDS = 1.0
NOTIFY_CHANNEL = "routing"
# Events after which some router may have something to do right away.
WAKE_TYPES = frozenset(
    {
        "InteractionQueued",
        "OfferRejected",
        "OfferTimedOut",
        "OfferRescinded",
        "AgentPresenceChanged",
        "AgentReconnected",
        "WrapUpCompleted",
        "InteractionClosed",
        "InteractionAbandoned",
        "InteractionTransferred",
        "QueueHoursChanged",
        "OverflowStepReached",
    }
)


# -- one round of matching -------------------------------------------------------------------


def assign_round(now: datetime | None = None) -> int:
    """Offer waiting interactions to agents with room; returns the number of offers made."""
    return _assign(now)[0]


@command
def _assign(now: datetime | None = None) -> tuple[int, bool]:
    """One round: the offers made, and whether another round may find more (a queue had more
    waiting than a round claims). Work left because no agent had room waits for a wake-up:
    another round at once would claim the same work and the same full agents."""
    now = now or clock.now()
    snapshot = config.current()
    policies = {qid: queue.policy(now) for qid, queue in snapshot.queues.items()}
    rows = _claim_waiting([qid for qid, policy in policies.items() if policy.is_open])
    if not rows:
        return 0, False
    per_queue = Counter(row.queue_id for row in rows)
    more = any(n >= ITEMS_PER_QUEUE for n in per_queue.values())
    states = _claim_agents(snapshot, rows)
    if not states:
        return 0, more
    known = _known_agents(rows, snapshot, now)
    assignments = _standing.match(
        snapshot, policies, states, [_item(row, known.get(row.id)) for row in rows], now
    )
    by_id = {row.id: row for row in rows}
    offers_made = []
    for assignment in assignments:
        row = by_id[assignment.interaction_id]
        queue = snapshot.queues[assignment.queue_id]
        interaction = from_row(row)
        events = interaction.offer(
            str(uuid.uuid4()),
            agent_id=assignment.agent_id,
            expires_at=now + timedelta(seconds=queue.offer_timeout_seconds),
            decision=assignment.decision,
        )
        offers_made.append((interaction, events))
    # One statement for the round's offers, and one read per projection table but the
    # interactions' and the agents': their rows were claimed locked above.
    offered = {a.agent_id for a in assignments}
    aggregates.append_many(
        offers_made,
        prefetch={Timer: [f"offer_timeout:{a.interaction_id}" for a in assignments]},
        held={
            InteractionRow: {a.interaction_id: by_id[a.interaction_id] for a in assignments},
            AgentState: _agent_states.instances(s for s in states if s[0] in offered),
        },
    )
    return len(assignments), more


def _claim_waiting(queue_ids: list[int]) -> list[InteractionRow]:
    rows: list[InteractionRow] = []
    for queue_id in queue_ids:
        # In SQL made once (row_statements.where): compiling this query at every arrival was
        # a sixth of the router's CPU.
        rows += row_statements.where(
            InteractionRow,
            state="queued",
            queue_id=queue_id,
            order_by=("-priority", "first_queued_at", "id"),
            limit=ITEMS_PER_QUEUE,
            lock=True,
            skip_locked=True,
        )
    return rows


def _claim_agents(snapshot: config.Snapshot, rows: list[InteractionRow]) -> list[tuple]:
    """Lock the available agents who could take any of `rows`, and no others, so routers
    working on other queues are not held up: their states' rows (CLAIMED), by key."""
    queue_ids = {row.queue_id for row in rows}
    for queue_id in list(queue_ids):
        queue_ids |= {
            rule.target_queue_id
            for rule in snapshot.queues[queue_id].overflow
            if rule.action == "add_queue_agents"
        }
    escalated = any(row.supervisors_only for row in rows)
    preferred = {row.preferred_agent_id for row in rows}
    candidates = [
        a.agent_id
        for a in snapshot.agents.values()
        if a.queues & queue_ids or a.agent_id in preferred or (escalated and a.is_supervisor)
    ]
    # By key in SQL made once, as plain values, read whole only where a row changed since
    # this process last read it (row_statements.Remembered): through the ORM, building and
    # compiling this query for a couple of hundred candidates was a third of the router's
    # CPU per arrival, then a model per row most of what was left, then decoding every
    # agent's work at every arrival though an arrival changes one agent's.
    return _agent_states.values(
        candidates, lock=True, skip_locked=True, presence="available", disconnected_since=None
    )


def _agent(snapshot: config.Snapshot, state: tuple) -> Agent:
    """The matcher's agent from their claimed state's row and their configuration."""
    agent_id, work, softphone_on, idle_since, presence_since, last_offer_at, *_ = state
    profile = snapshot.agents[agent_id]
    return Agent(
        agent_id=agent_id,
        name=profile.name,
        skills=profile.skills,
        capacity=presence.capacity_now(profile.capacity, profile.voice_endpoint, softphone_on),
        load=load_of(work),
        queues=profile.queues,
        idle_since=idle_since or presence_since or EPOCH,
        last_offer_at=last_offer_at,
        voice_blocks_other_work=profile.voice_blocks_other_work,
        exclusive=snapshot.exclusive,
        is_supervisor=profile.is_supervisor,
    )


class _Standing(threading.local):
    """This thread's matcher, kept from round to round with its agents and their pools: a
    round gives it only the agents whose rows moved since (Remembered gives the same row
    while its version stands) and drops those not claimed this time. Building every
    candidate and every pool afresh was most of a round's CPU at one arrival among a couple
    of hundred agents, and grew with them (issue 18). Per thread: routers may share a
    process."""

    def __init__(self) -> None:
        self.forget()

    def forget(self) -> None:
        self.snapshot: config.Snapshot | None = None
        self.matcher = Matcher({})
        self.rows: dict[int, tuple] = {}  # agent id -> the claimed row its agent was built from

    def match(
        self,
        snapshot: config.Snapshot,
        policies: dict[int, QueuePolicy],
        states: list[tuple],
        items: list[WorkItem],
        now: datetime,
    ) -> list[Assignment]:
        if self.snapshot is not snapshot:  # new configuration: skills, capacities, queues
            self.forget()
            self.snapshot = snapshot
        matcher, rows = self.matcher, self.rows
        matcher.queues = policies
        matcher.withdraw_all()
        claimed = set()
        for state in states:
            claimed.add(state[0])
            if rows.get(state[0]) is not state:
                rows[state[0]] = state
                matcher.set_agent(_agent(snapshot, state))
        for agent_id in [a for a in matcher.agents if a not in claimed]:
            rows.pop(agent_id, None)
            matcher.remove_agent(agent_id)
        try:
            for item in items:
                matcher.add(item)
            assignments = matcher.assign(now)
        except BaseException:
            self.forget()  # half-decided: nothing kept is to be trusted
            raise
        # An offered agent's load is the matcher's guess until the offer commits (or rolls
        # back): built again from their row at the next round.
        for assignment in assignments:
            rows.pop(assignment.agent_id, None)
        return assignments


_standing = _Standing()


def _known_agents(
    rows: list[InteractionRow], snapshot: config.Snapshot, now: datetime
) -> dict[str, int]:
    """Interaction id -> the agent who served its customer last, where the queue asks."""
    windows = {
        row.id: snapshot.queues[row.queue_id].known_agent_window_seconds
        for row in rows
        if snapshot.queues[row.queue_id].known_agent_window_seconds
    }
    if not windows:
        return {}
    longest = max(windows.values())
    customers = {row.customer_id for row in rows if row.id in windows}
    recent = (
        InteractionRow.objects.filter(
            customer_id__in=customers,
            last_agent_id__isnull=False,
            ended_at__gte=now - timedelta(seconds=longest),
        )
        .order_by("customer_id", "-ended_at")
        .values_list("customer_id", "last_agent_id", "ended_at")
    )
    last: dict[str, tuple[int, datetime]] = {}
    for customer_id, agent_id, ended_at in recent:
        last.setdefault(customer_id, (agent_id, ended_at))
    known = {}
    for row in rows:
        if row.id in windows and row.customer_id in last:
            agent_id, ended_at = last[row.customer_id]
            if now - ended_at <= timedelta(seconds=windows[row.id]):
                known[row.id] = agent_id
    return known


def _item(row: InteractionRow, known_agent_id: int | None) -> WorkItem:
    return WorkItem(
        interaction_id=row.id,
        queue_id=row.queue_id,
        channel=row.channel,
        waiting_since=row.first_queued_at or row.created_at,
        queued_at=row.queued_at,
        priority=row.priority,
        required_skills=row.required_skills,
        preferred_agent_id=row.preferred_agent_id,
        known_agent_id=known_agent_id,
        supervisors_only=row.supervisors_only,
        declined_by=frozenset(row.declined_by),
    )


# -- timers ----------------------------------------------------------------------------------

# What each kind of timer does when due. Apps above routing add theirs (flows, consoles) with
# `on_timer`, so the router imports none of them.
TIMER_ACTIONS: dict[str, Callable[[Timer], None]] = {
    "offer_timeout": lambda t: offers.time_out_offer(t.interaction_id, t.data["offer_id"]),
    "wrap_up_end": lambda t: offers.expire_wrap_up(t.interaction_id),
    "overflow": lambda t: offers.reach_overflow_step(t.interaction_id, t.data["step"]),
    "abandon": lambda t: offers.abandon(t.interaction_id, t.data.get("reason", "customer_left")),
}
_failed_timers = SetAside(60)  # timers that could not fire, tried again a minute later


def on_timer(kind: str, action: Callable[[Timer], None]) -> None:
    TIMER_ACTIONS[kind] = action


def fire_due_timers(now: datetime | None = None) -> int:
    now = now or clock.now()
    aside = set(_failed_timers.keys())
    # At every round, in SQL made once (row_statements.where); those set aside are passed
    # over here, so that as many others are still read.
    due = row_statements.where(
        Timer,
        names=("key",),
        due_at__lte=now,
        order_by=("due_at",),
        limit=TIMERS_PER_ROUND + len(aside),
    )
    keys = [key for (key,) in due if key not in aside][:TIMERS_PER_ROUND]
    return sum(fire_timer(key, now) for key in keys)


def forget() -> None:
    """Try every timer again at the next round, and match from nothing known (tests start
    from a clean router)."""
    _failed_timers.forget()
    _standing.forget()


@command
def _fire(key: str, now: datetime) -> int:
    timers = row_statements.where(Timer, key=key, due_at__lte=now, lock=True, skip_locked=True)
    if not timers:
        return 0  # another router has it, or it ended meanwhile
    timer = timers[0]
    TIMER_ACTIONS[timer.kind](timer)
    return 1


def fire_timer(key: str, now: datetime) -> int:
    """One timer; one that cannot fire is put aside for a minute and the round goes on. A
    database that is down is the loop's to report (it fails the round: /healthz says so)."""
    try:
        return _fire(key, now)
    except DatabaseFailure:  # (InterfaceError too: a connection that went away)
        raise
    except DomainError as error:
        # The projection and the stream disagree: a bug. Say so and try again later rather
        # than loop on it.
        log.error("timer %s could not fire: %s", key, error)
    except Exception:
        # Anything else (a timer of a kind a newer release wrote during a rolling deploy, a
        # stream this process cannot read) was failing the whole round: no timer after it
        # fired, and nobody was offered anything, every round.
        log.exception("timer %s could not fire", key)
    _failed_timers.put(key)
    return 0


# -- business hours --------------------------------------------------------------------------


def update_queue_hours(now: datetime | None = None) -> int:
    """Record each calendar queue's opening or closing once, as an event."""
    now = now or clock.now()
    calendared = [q for q in config.current().queues.values() if q.hours is not None]
    if not calendared:
        return 0  # no query on every wake-up for a center without business hours
    recorded = dict(QueueState.objects.values_list("queue_id", "is_open"))
    changed = 0
    for queue in calendared:
        if queue.hours is None:
            continue
        is_open = queue.is_open(now)
        if recorded.get(queue.queue_id, True) != is_open:
            changed += _record_hours(queue.queue_id, is_open)
    return changed


@command
def _record_hours(queue_id: int, is_open: bool) -> int:
    state = QueueState.objects.select_for_update().filter(pk=queue_id).first()
    if state is not None and state.is_open == is_open:
        return 0
    hours = QueueHours.load(queue_id)
    aggregates.append(hours, [QueueHoursChanged(queue_id=queue_id, is_open=is_open)])
    return 1


class QueueHours(Aggregate):
    """A queue's stream (`queue-<id>`): its openings and closings by its calendar. Decided
    from its projection (QueueState, locked by the caller), so only the head is read."""

    stream_prefix = "queue"
    folds = False


# -- the loop --------------------------------------------------------------------------------


def route_once(now: datetime | None = None) -> int:
    """Everything a router does in one go: due timers, business hours, then offers until
    there is nothing more to offer. Returns how much it did."""
    now = now or clock.now()
    done = fire_due_timers(now) + update_queue_hours(now)
    while True:
        # One round per wake-up as a rule: the round after a full one found nothing new, and
        # cost every arrival a transaction more (issue 18).
        offered, more = _assign(now)
        done += offered
        if not (offered and more):
            return done


def seconds_until_due(now: datetime | None = None) -> float:
    now = now or clock.now()
    waits = [MAX_IDLE_SECONDS]
    aside = set(_failed_timers.keys())
    soonest = row_statements.where(
        Timer, names=("key", "due_at"), order_by=("due_at",), limit=1 + len(aside)
    )
    next_timer = next((due for key, due in soonest if key not in aside), None)
    if next_timer is not None:
        waits.append((next_timer - now).total_seconds())
    if (retry := _failed_timers.seconds_to_next()) is not None:
        waits.append(retry)
    for queue in config.current().queues.values():
        change = queue.next_hours_change(now)
        if change is not None:
            waits.append((change - now).total_seconds())
    return max(0.0, min(waits))


def router_loop(name: str = "router") -> Loop:
    # route_once goes on while a queue had more waiting than a round takes, and fires the
    # timers due; after it, what is due next is what the loop waits for, and new routable
    # work wakes it. A second round at once found nothing, at every arrival (issue 18).
    loop = Loop(name, route_once, idle=seconds_until_due, again_at_once=False)
    return woken_by_commits(loop, WAKE_TYPES)


def listen_for_wakeups(loop: Loop) -> None:
    """On PostgreSQL, wake `loop` when another process commits routable work."""
    listen([NOTIFY_CHANNEL], loop.wake, lambda: loop.stopping, name=f"{loop.name}-listener")


def router_service(name: str = "router", **options) -> Loop | None:
    """The router loop of a `serve` or `run_workers` process; on PostgreSQL it also listens
    for other processes' routable commits. `EMBEDDED_ROUTER=0` leaves it out of `serve`."""
    if options.get("kind") == "embedded" and not getattr(settings, "EMBEDDED_ROUTER", True):
        return None
    loop = router_loop(name)
    listen_for_wakeups(loop)
    return loop


# PostgreSQL tells listening routers in other processes at the commit of routable work.
store.notify_at_commit(NOTIFY_CHANNEL, lambda types: not types.isdisjoint(WAKE_TYPES))
