"""Inline projections for routing: agents' presence and work, timers, queues' hours."""

from datetime import datetime

from contactcenter.events.projections import Projector, Rows, register
from contactcenter.events.store import RecordedEvent
from contactcenter.interactions import events as ie
from routing import events as re
from routing.models import AgentState, QueueState, Timer

ENDING_OFFER = ("OfferAccepted", "OfferRejected", "OfferTimedOut", "OfferRescinded")


@register
class AgentStateProjector(Projector):
    """Presence from the agent stream; work (offered, active, wrap-up) from interactions."""

    name = "agents"
    models = [AgentState]

    def _agent(self, agent_id: int, rows: Rows) -> AgentState:
        state = rows.get(AgentState, agent_id)
        if state is None:
            state = rows.add(AgentState(agent_id=agent_id, work={}))
        rows.changed(state)
        return state

    def _set_work(
        self, state: AgentState, interaction_id: str, channel: str, stage: str, at: datetime
    ) -> None:
        state.work = {
            **state.work,
            interaction_id: {"channel": channel, "state": stage, "since": at.isoformat()},
        }

    def _drop_work(self, state: AgentState, interaction_id: str, at: datetime) -> None:
        if interaction_id not in state.work:
            return
        state.work = {k: v for k, v in state.work.items() if k != interaction_id}
        if not state.work:
            state.idle_since = at

    def _stage(
        self, agent_id: int, interaction_id: str, stage: str, rows: Rows, at: datetime
    ) -> None:
        state = self._agent(agent_id, rows)
        item = state.work.get(interaction_id)
        if item is not None:
            self._set_work(state, interaction_id, item["channel"], stage, at)

    def on_AgentDisconnected(self, e: re.AgentDisconnected, r: RecordedEvent, rows: Rows):
        state = self._agent(e.agent_id, rows)
        state.version = r.version
        state.disconnected_since = r.occurred_at

    def on_AgentReconnected(self, e: re.AgentReconnected, r: RecordedEvent, rows: Rows):
        state = self._agent(e.agent_id, rows)
        state.version = r.version
        state.disconnected_since = None

    def on_SoftphoneTurnedOn(self, e: re.SoftphoneTurnedOn, r: RecordedEvent, rows: Rows):
        state = self._agent(e.agent_id, rows)
        state.version = r.version
        state.softphone_on = True

    def on_SoftphoneTurnedOff(self, e: re.SoftphoneTurnedOff, r: RecordedEvent, rows: Rows):
        state = self._agent(e.agent_id, rows)
        state.version = r.version
        state.softphone_on = False

    def on_AgentPresenceChanged(self, e: re.AgentPresenceChanged, r: RecordedEvent, rows: Rows):
        state = self._agent(e.agent_id, rows)
        state.version = r.version
        state.presence = e.presence
        # away: why; offline: "disconnected" when the console went away, else ""
        state.away_reason = e.reason if e.presence in ("away", "offline") else ""
        state.presence_since = r.occurred_at
        if e.presence == "available":
            state.missed_in_a_row = 0
            if not state.work:
                state.idle_since = r.occurred_at

    def on_OfferCreated(self, e: ie.OfferCreated, r: RecordedEvent, rows: Rows):
        state = self._agent(e.agent_id, rows)
        self._set_work(state, e.interaction_id, e.channel, "offered", r.occurred_at)
        state.last_offer_at = r.occurred_at

    def on_OfferAccepted(self, e: ie.OfferAccepted, r: RecordedEvent, rows: Rows):
        self._stage(e.agent_id, e.interaction_id, "active", rows, r.occurred_at)
        self._agent(e.agent_id, rows).missed_in_a_row = 0

    def on_OfferRejected(self, e: ie.OfferRejected, r: RecordedEvent, rows: Rows):
        self._drop_work(self._agent(e.agent_id, rows), e.interaction_id, r.occurred_at)

    def on_OfferTimedOut(self, e: ie.OfferTimedOut, r: RecordedEvent, rows: Rows):
        state = self._agent(e.agent_id, rows)
        self._drop_work(state, e.interaction_id, r.occurred_at)
        state.missed_in_a_row += 1

    def on_OfferRescinded(self, e: ie.OfferRescinded, r: RecordedEvent, rows: Rows):
        self._drop_work(self._agent(e.agent_id, rows), e.interaction_id, r.occurred_at)

    def on_InteractionAssigned(self, e: ie.InteractionAssigned, r: RecordedEvent, rows: Rows):
        state = self._agent(e.agent_id, rows)
        self._set_work(state, e.interaction_id, e.channel, "active", r.occurred_at)

    def on_InteractionTransferred(self, e: ie.InteractionTransferred, r: RecordedEvent, rows):
        if e.from_agent_id is not None:
            self._drop_work(self._agent(e.from_agent_id, rows), e.interaction_id, r.occurred_at)

    def on_WrapUpStarted(self, e: ie.WrapUpStarted, r: RecordedEvent, rows: Rows):
        self._stage(e.agent_id, e.interaction_id, "wrap_up", rows, r.occurred_at)

    def on_WrapUpCompleted(self, e: ie.WrapUpCompleted, r: RecordedEvent, rows: Rows):
        self._drop_work(self._agent(e.agent_id, rows), e.interaction_id, r.occurred_at)

    def on_InteractionClosed(self, e: ie.InteractionClosed, r: RecordedEvent, rows: Rows):
        # Closed without a wrap-up (by the API, say): release the agent who still had it.
        if e.agent_id is not None:
            self._drop_work(self._agent(e.agent_id, rows), e.interaction_id, r.occurred_at)


# The timers an interaction can have, keyed `<kind>:<interaction id>`.
KINDS = ("offer_timeout", "overflow", "wrap_up_end", "abandon", "flow_idle")


@register
class TimerProjector(Projector):
    """The router's to-do list with times, kept by the events that start and end each item."""

    name = "timers"
    models = [Timer]

    def _set(self, rows: Rows, kind: str, interaction_id: str, due: str, **data) -> None:
        key = f"{kind}:{interaction_id}"
        timer = rows.get(Timer, key)
        due_at = datetime.fromisoformat(due)
        if timer is None:
            rows.add(
                Timer(key=key, kind=kind, due_at=due_at, interaction_id=interaction_id, data=data)
            )
        else:
            timer.due_at, timer.data = due_at, data
            rows.changed(timer)

    def _clear(self, rows: Rows, kind: str, interaction_id: str) -> None:
        rows.discard(Timer, f"{kind}:{interaction_id}")

    def on_InteractionCreated(self, e: ie.InteractionCreated, r: RecordedEvent, rows: Rows):
        # A new interaction has no timers: what its first events set or clear is known
        # without a read or a DELETE (a first message queued cleared its overflow; issue 18).
        for kind in KINDS:
            rows.hold(Timer, f"{kind}:{e.interaction_id}", None)

    def on_OfferCreated(self, e: ie.OfferCreated, r: RecordedEvent, rows: Rows):
        self._set(rows, "offer_timeout", e.interaction_id, e.expires_at, offer_id=e.offer_id)

    def _offer_over(self, e, r: RecordedEvent, rows: Rows) -> None:
        self._clear(rows, "offer_timeout", e.interaction_id)

    on_OfferRejected = _offer_over
    on_OfferTimedOut = _offer_over
    on_OfferRescinded = _offer_over

    def _schedule_overflow(
        self, rows: Rows, interaction_id: str, schedule: list[str], step: int
    ) -> None:
        if step < len(schedule):
            self._set(
                rows, "overflow", interaction_id, schedule[step], step=step, schedule=schedule
            )
        else:
            self._clear(rows, "overflow", interaction_id)

    def on_InteractionQueued(self, e: ie.InteractionQueued, r: RecordedEvent, rows: Rows):
        self._schedule_overflow(rows, e.interaction_id, e.overflow_at, 0)

    def on_OverflowStepReached(self, e: ie.OverflowStepReached, r: RecordedEvent, rows: Rows):
        timer = rows.get(Timer, f"overflow:{e.interaction_id}")
        if timer is not None:
            self._schedule_overflow(rows, e.interaction_id, timer.data["schedule"], e.step + 1)

    def _answered(self, e, r: RecordedEvent, rows: Rows) -> None:
        # An answered chat whose visitor left is not abandoned: the agent sees them go.
        for kind in ("offer_timeout", "overflow", "abandon"):
            self._clear(rows, kind, e.interaction_id)

    on_OfferAccepted = _answered
    on_InteractionAssigned = _answered

    def on_WrapUpStarted(self, e: ie.WrapUpStarted, r: RecordedEvent, rows: Rows):
        if e.deadline:
            self._set(rows, "wrap_up_end", e.interaction_id, e.deadline, agent_id=e.agent_id)

    def on_WrapUpCompleted(self, e: ie.WrapUpCompleted, r: RecordedEvent, rows: Rows):
        self._clear(rows, "wrap_up_end", e.interaction_id)

    def _ended(self, e, r: RecordedEvent, rows: Rows) -> None:
        for kind in KINDS:
            self._clear(rows, kind, e.interaction_id)

    on_InteractionClosed = _ended
    on_InteractionAbandoned = _ended

    def on_InteractionTransferred(self, e: ie.InteractionTransferred, r: RecordedEvent, rows):
        self._clear(rows, "overflow", e.interaction_id)

    def on_CustomerLeft(self, e: ie.CustomerLeft, r: RecordedEvent, rows: Rows):
        if e.grace_until:
            self._set(rows, "abandon", e.interaction_id, e.grace_until, reason="customer_left")

    def on_CustomerReturned(self, e: ie.CustomerReturned, r: RecordedEvent, rows: Rows):
        self._clear(rows, "abandon", e.interaction_id)

    # Self-service (routing.flows): a customer who does not answer a step in time has left.
    def _awaits_answer(self, e, r: RecordedEvent, rows: Rows) -> None:
        if e.answer_by:
            self._set(rows, "flow_idle", e.interaction_id, e.answer_by)

    on_FlowStepEntered = _awaits_answer
    on_FlowAnswerGiven = _awaits_answer

    def on_FlowCompleted(self, e, r: RecordedEvent, rows: Rows):
        self._clear(rows, "flow_idle", e.interaction_id)

    # An agent whose consoles are all gone goes offline when the grace period ends.
    def on_AgentDisconnected(self, e: re.AgentDisconnected, r: RecordedEvent, rows: Rows):
        self._set(
            rows, "disconnect_grace", f"agent-{e.agent_id}", e.grace_until, agent_id=e.agent_id
        )

    def on_AgentReconnected(self, e: re.AgentReconnected, r: RecordedEvent, rows: Rows):
        self._clear(rows, "disconnect_grace", f"agent-{e.agent_id}")

    def on_AgentPresenceChanged(self, e: re.AgentPresenceChanged, r: RecordedEvent, rows: Rows):
        if e.presence == "offline":  # the grace ended in offline, or someone got there first
            self._clear(rows, "disconnect_grace", f"agent-{e.agent_id}")


@register
class QueueStateProjector(Projector):
    name = "queue_hours"
    models = [QueueState]

    def on_QueueHoursChanged(self, e: re.QueueHoursChanged, r: RecordedEvent, rows: Rows):
        state = rows.get(QueueState, e.queue_id)
        if state is None:
            state = rows.add(QueueState(queue_id=e.queue_id))
        state.version = r.version
        state.is_open = e.is_open
        state.since = r.occurred_at
        rows.changed(state)
