"""A synthetic month of a 100-agent contact center, as event-log rows for COPY.

Agents work 8-hour shifts (early, middle, late) five days a week, with a break; contacts
arrive 07:00-23:00 on five channels into three queues, wait, are offered (sometimes missed),
answered, talked through, transferred now and then, wrapped up, closed and sometimes rated;
some customers give up waiting, some come back. About 14 events a contact.
"""

import random
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta

AGENTS = 100
CHANNELS = (("webchat", 0.4), ("voice", 0.2), ("email", 0.2), ("sms", 0.1), ("slack", 0.1))
CAPACITY = {"webchat": 3, "email": 5, "sms": 3, "voice": 1, "slack": 3}
SHIFTS = ((7, 15), (11, 19), (15, 23))
CONTACTS_PER_DAY = 2400

Row = tuple[str, int, str, dict, datetime]  # stream, version, type, data, occurred_at


class Month:
    """Generates days of events; stream versions carry over from day to day."""

    def __init__(self, queues: tuple[int, ...], agents: list[int], seed: int = 7):
        self.queues = queues
        self.agent_ids = agents
        self.rng = random.Random(seed)
        self.versions: dict[str, int] = {}
        self.customers: list[str] = []
        self.serial = 0

    def _id(self) -> str:
        self.serial += 1
        return str(uuid.UUID(int=self.rng.getrandbits(96) << 32 | self.serial))

    def _row(self, stream: str, type_: str, data: dict, at: datetime) -> Row:
        version = self.versions.get(stream, 0) + 1
        self.versions[stream] = version
        return (stream, version, type_, data, at)

    def day(self, start: datetime) -> list[Row]:
        """One day's events in time order (`start` is midnight)."""
        pending: list[tuple[datetime, str, str, dict]] = []
        on_shift = self._shifts(start, pending)
        for _ in range(CONTACTS_PER_DAY):
            at = start + timedelta(seconds=self.rng.uniform(7 * 3600, 23 * 3600 - 1800))
            candidates = [a for a, (on, off) in on_shift.items() if on <= at < off]
            if candidates:
                self._contact(at, candidates, pending)
        pending.sort(key=lambda p: p[0])
        # Versions are numbered in time order, stream by stream.
        return [self._row(stream, type_, data, at) for at, stream, type_, data in pending]

    def _shifts(self, start: datetime, pending: list) -> dict[int, tuple[datetime, datetime]]:
        on_shift = {}
        weekday = start.weekday()
        for n, agent in enumerate(self.agent_ids):
            if (n + weekday) % 7 in (0, 1):
                continue  # two days off a week
            begin, end = SHIFTS[n % 3]
            on, off = start + timedelta(hours=begin), start + timedelta(hours=end)
            on_shift[agent] = (on, off)
            stream = f"agent-{agent}"
            brk = on + timedelta(hours=4, minutes=self.rng.randint(0, 30))
            for at, presence, reason, previous in (
                (on, "available", "", "offline"),
                (brk, "away", "break", "available"),
                (brk + timedelta(minutes=15), "available", "", "away"),
                (off, "offline", "", "available"),
            ):
                data = {
                    "agent_id": agent,
                    "presence": presence,
                    "reason": reason,
                    "previous": previous,
                    "changed_by": "agent",
                    "capacity": CAPACITY,
                }
                pending.append((at, stream, "AgentPresenceChanged", data))
        return on_shift

    def _contact(self, at: datetime, agents: list[int], pending: list) -> None:
        rng = self.rng
        channel = rng.choices([c for c, _ in CHANNELS], [w for _, w in CHANNELS])[0]
        queue = rng.choice(self.queues)
        if self.customers and rng.random() < 0.3:
            customer = rng.choice(self.customers)
        else:
            customer = self._id()
            self.customers.append(customer)
            c = f"customer-{customer}"
            pending.append((at, c, "CustomerRegistered", {"customer_id": customer, "name": "C"}))
            pending.append(
                (
                    at,
                    c,
                    "CustomerIdentityAdded",
                    {"customer_id": customer, "kind": "web", "address": customer},
                )
            )
        iid = self._id()
        stream = f"interaction-{iid}"

        def add(offset: float, type_: str, **data) -> None:
            pending.append(
                (at + timedelta(seconds=offset), stream, type_, {"interaction_id": iid, **data})
            )

        add(0, "InteractionCreated", channel=channel, channel_key="main", customer_id=customer)
        add(0, "MessageReceived", message_id=self._id(), channel=channel, sender=customer,
            text="Hello, I need help with my order.")  # fmt: skip
        add(0, "InteractionQueued", queue_id=queue, sl_threshold_seconds=20)
        wait = rng.expovariate(1 / (900 if channel == "email" else 35))
        if rng.random() < 0.07:
            add(wait, "InteractionAbandoned", waited_seconds=round(wait, 3))
            return
        agent = rng.choice(agents)
        if wait > 40 and rng.random() < 0.3:
            missed = self._id()
            other = rng.choice(agents)
            add(wait - 38, "OfferCreated", offer_id=missed, agent_id=other, queue_id=queue,
                channel=channel, expires_at=at.isoformat())  # fmt: skip
            add(wait - 8, "OfferTimedOut", offer_id=missed, agent_id=other)
        self._handle(add, wait, agent, agents, queue, channel)

    def _handle(self, add, t: float, agent: int, agents, queue: int, channel: str) -> None:
        rng = self.rng
        offer = self._id()
        add(t - min(3.0, t / 2), "OfferCreated", offer_id=offer, agent_id=agent, queue_id=queue,
            channel=channel, expires_at="")  # fmt: skip
        add(t, "OfferAccepted", offer_id=offer, agent_id=agent)
        talk = rng.lognormvariate(5.5, 0.6)
        for k, kind in enumerate(("MessageSent", "MessageReceived", "MessageSent")):
            when = t + talk * (k + 1) / 4
            if kind == "MessageSent":
                message = self._id()
                add(when, kind, message_id=message, channel=channel, author=f"agent:{agent}",
                    text="Thanks, let me check that for you.")  # fmt: skip
                if channel != "webchat":
                    add(when + 2, "MessageDelivered", message_id=message, status="delivered")
            else:
                add(when, kind, message_id=self._id(), channel=channel, sender="customer",
                    text="It was order 12345.")  # fmt: skip
        t += talk
        if rng.random() < 0.05:
            target = rng.choice([q for q in self.queues if q != queue])
            add(t, "InteractionTransferred", from_agent_id=agent, kind="queue",
                to_queue_id=target)  # fmt: skip
            add(t, "InteractionQueued", queue_id=target, reason="transferred",
                sl_threshold_seconds=20)  # fmt: skip
            self._handle(add, t + rng.uniform(5, 60), rng.choice(agents), agents, target, channel)
            return
        add(t, "WrapUpStarted", agent_id=agent)
        t += rng.uniform(20, 90)
        add(t, "WrapUpCompleted", agent_id=agent, disposition="resolved")
        add(t, "InteractionClosed", reason="wrapped_up")
        if rng.random() < 0.25:
            add(t + 60, "CsatRated", rating=rng.choices([1, 2, 3, 4, 5], [5, 5, 10, 30, 50])[0])


def days(month: Month, first: datetime, total_events: int) -> Iterator[list[Row]]:
    """Days from `first` until about `total_events` events have been generated."""
    produced, day = 0, first
    while produced < total_events:
        rows = month.day(day)
        produced += len(rows)
        yield rows
        day += timedelta(days=1)
