"""The `kpis` catch-up projection: the event log folded into 15-minute interval facts per
queue, agent and channel (docs/kpis.md has every formula and clock).

What it must remember between events lives in its own tables (InteractionClock, AgentClock,
RepeatWatch, KpiWatermark), so a rebuild from position 0 and the live catch-up arrive at the
same rows. Each count goes to the interval in which its clock stops (an answer, an abandon, the
end of a handle); agents' time is cut at interval boundaries. Agents' time is counted at event
times clamped to the watermark (the latest event time seen before), which makes it independent
of where batches start and end.
"""

from functools import cached_property

from channels_adapters import base as channel_registry
from contactcenter.events import row_statements
from contactcenter.events.projections import Projector, Rows, register
from contactcenter.events.store import RecordedEvent
from contactcenter.interactions import events as ie
from contactcenter.kpis import settings as kpi
from contactcenter.kpis.buckets import pieces, to_ms
from contactcenter.kpis.facts import capacity_used_ppm, count, fact_key, keys_for
from contactcenter.kpis.models import (
    AgentClock,
    DailyFact,
    InteractionClock,
    IntervalFact,
    KpiWatermark,
    RepeatWatch,
)
from crm import events as ce
from routing import events as re

WATERMARK = "kpis"
# Logged-in agents' time is counted at least this often, by the log's clock (`finish`); their
# own events count it to the moment.
AGENT_TIME_STEP_MS = 15_000
# An outbound contact's handle goes to these columns instead.
OUTBOUND = {name: f"outbound_{name}" for name in ("handled", "handle_ms", "wrapped", "wrap_ms")}


@register
class KpiProjector(Projector):
    name = "kpis"
    models = [IntervalFact, DailyFact, InteractionClock, AgentClock, RepeatWatch, KpiWatermark]
    catch_up = True
    catch_up_batch = 50_000
    # Counts, clocks and ids: no customer's words, but for a text billed before its units were
    # stored with it (`opens`), whose words `_bill` counts.
    personal = False

    # -- batches ----------------------------------------------------------------------------

    def handled_types(self) -> set[str]:
        # and what the channels' providers bill (a call's end, a text's segments)
        return super().handled_types() | self._billed

    @cached_property
    def _billed(self) -> frozenset[str]:
        """Read once the adapters have registered (the first batch runs after startup)."""
        return channel_registry.billed_events()

    def opens(self, event: RecordedEvent) -> bool:
        if event.type not in self._billed or event.data.get("units") is not None:
            return False
        # Of a channel that bills it (a text's): the channels that bill nothing (a web chat's
        # messages) store no units either.
        channel = channel_registry.channel(event.data.get("channel") or "")
        return channel is None or (
            channel.billing is not None and event.type in channel.billing.events
        )

    def apply(self, event: RecordedEvent, rows: Rows) -> None:
        handler = getattr(self, f"on_{event.type}", None)
        billed = event.type in self._billed
        if handler is None and not billed:
            return
        at = to_ms(event.occurred_at)
        mark = self._watermark(rows)
        if at > mark.at_ms:
            mark.at_ms = at
        if billed:
            self._bill(event, rows, at)
        if handler is not None:
            # Agents' time is counted at the watermark: never before what was already counted.
            handler(event.payload, rows, at, mark.at_ms)

    def prepare(self, events: list[RecordedEvent], rows: Rows) -> None:
        interactions, agents, customers = set(), set(), ce.customers_named(events)
        for event in events:
            data = event.data
            if "interaction_id" in data:
                interactions.add(data["interaction_id"])
            for field in ("agent_id", "from_agent_id"):
                if data.get(field) is not None:
                    agents.add(data[field])
        rows.prefetch(InteractionClock, interactions)
        for interaction_id in interactions:
            clock = rows.get(InteractionClock, interaction_id)
            if clock is not None:
                customers.add(clock.customer_id)
                agents.update(a for a in (clock.agent_id, clock.last_agent_id) if a is not None)
        rows.prefetch(AgentClock, agents)
        rows.prefetch(RepeatWatch, customers)
        self._watermark(rows)

    def finish(self, rows: Rows) -> None:
        """Count every logged-in agent's time up to the watermark's latest whole step
        (AGENT_TIME_STEP_MS), so today's facts are current within a step; the same in every
        batching, since the step depends on the watermark alone and later events never count
        before it. (Counted up to the watermark itself, every round wrote every logged-in
        agent's clock, fact and day: each second, at a rate; issue 18.)"""
        mark = self._watermark(rows)
        rows.changed(mark)
        upto = mark.at_ms - mark.at_ms % AGENT_TIME_STEP_MS
        if not rows.authoritative:
            behind = row_statements.where(
                AgentClock, names=("agent_id",), clocking=True, since_ms__lt=upto
            )
            rows.prefetch(AgentClock, [agent_id for (agent_id,) in behind])
        for agent in rows.cached(AgentClock):
            if agent.clocking and agent.since_ms < upto:
                self._advance(agent, upto, rows)

    def _watermark(self, rows: Rows) -> KpiWatermark:
        mark = rows.get(KpiWatermark, WATERMARK)
        if mark is None:
            mark = rows.add(KpiWatermark(name=WATERMARK, at_ms=0))
        return mark

    # -- interactions: queue visits and contacts --------------------------------------------

    def _clock(self, interaction_id: str, rows: Rows) -> InteractionClock | None:
        clock = rows.get(InteractionClock, interaction_id)
        if clock is not None:
            rows.changed(clock)
        return clock

    def on_InteractionCreated(self, e: ie.InteractionCreated, rows: Rows, at: int, now: int):
        inbound = e.direction == "inbound"
        rows.add(
            InteractionClock(
                interaction_id=e.interaction_id,
                channel=e.channel,
                customer_id=e.customer_id,
                inbound=inbound,
                contact_opened_ms=at,
                awaiting_first_response=inbound and kpi.is_async(e.channel),
            )
        )
        if inbound:
            self._customer_came_back(e.customer_id, at, rows)

    def on_InteractionReopened(self, e: ie.InteractionReopened, rows: Rows, at: int, now: int):
        clock = self._clock(e.interaction_id, rows)
        if clock is None:
            return
        clock.contact_opened_ms = at
        clock.contact_queued_ms = None
        clock.contact_answered = False
        clock.awaiting_first_response = clock.inbound and kpi.is_async(clock.channel)
        self._customer_came_back(clock.customer_id, at, rows)

    def on_InteractionQueued(self, e: ie.InteractionQueued, rows: Rows, at: int, now: int):
        clock = self._clock(e.interaction_id, rows)
        if clock is None:
            return
        if clock.visit_started_ms is not None:
            if clock.queue_id == e.queue_id:
                return  # queued again where it already waits: the same visit
            count(rows, keys_for(at, queue_id=clock.queue_id), left_unanswered=1)
        seconds = e.sl_threshold_seconds
        threshold = (kpi.FALLBACK_SL_THRESHOLD_SECONDS if seconds is None else seconds) * 1000
        clock.queue_id = e.queue_id
        clock.visit_started_ms = at
        if clock.unqueued_units:
            count(
                rows,
                keys_for(at, queue_id=e.queue_id),
                channel_units=clock.unqueued_units,
                channel_cost_micros=clock.unqueued_cost_micros,
            )
            clock.unqueued_units = clock.unqueued_cost_micros = 0
        clock.sl_threshold_ms = threshold
        count(rows, keys_for(at, queue_id=e.queue_id), offered=1)
        if clock.contact_queued_ms is None and not clock.contact_answered:
            clock.contact_queued_ms = at
            clock.contact_sl_threshold_ms = threshold
            count(rows, keys_for(at, channel=clock.channel), offered=1)

    def _answer(
        self, clock: InteractionClock, agent_id: int, queue_id: int | None, rows: Rows, at, now
    ) -> None:
        reached_out = (
            not clock.inbound and clock.last_agent_id is None and clock.visit_started_ms is None
        )
        if clock.visit_started_ms is not None:
            wait = max(0, at - clock.visit_started_ms)
            count(
                rows,
                keys_for(at, queue_id=clock.queue_id),
                answered=1,
                answered_in_sl=int(wait <= clock.sl_threshold_ms),
                answer_wait_ms=wait,
            )
            clock.visit_started_ms = None
        if clock.contact_queued_ms is not None and not clock.contact_answered:
            wait = max(0, at - clock.contact_queued_ms)
            count(
                rows,
                keys_for(at, channel=clock.channel),
                answered=1,
                answered_in_sl=int(wait <= clock.contact_sl_threshold_ms),
                answer_wait_ms=wait,
            )
        clock.contact_queued_ms = None
        clock.contact_answered = True
        if reached_out:  # the agent's own contact: started, not answered
            keys = keys_for(at, queue_id=queue_id, agent_id=agent_id, channel=clock.channel)
            count(rows, keys, outbound_started=1)
        else:
            count(rows, keys_for(at, agent_id=agent_id), answered=1)
        clock.agent_id = clock.last_agent_id = agent_id
        clock.segment_queue_id = queue_id if queue_id is not None else clock.queue_id
        clock.answered_ms = at
        clock.handle_ms = 0
        clock.wrap_started_ms = None
        agent = self._agent(agent_id, rows, now)
        agent.work = {**agent.work, clock.interaction_id: clock.channel}
        agent.clocking = True

    def on_OfferAccepted(self, e: ie.OfferAccepted, rows: Rows, at: int, now: int):
        clock = self._clock(e.interaction_id, rows)
        if clock is not None:
            self._answer(clock, e.agent_id, None, rows, at, now)

    def on_InteractionAssigned(self, e: ie.InteractionAssigned, rows: Rows, at: int, now: int):
        clock = self._clock(e.interaction_id, rows)
        if clock is not None:
            self._answer(clock, e.agent_id, e.queue_id, rows, at, now)

    def _left_queue(self, clock: InteractionClock, rows: Rows, at: int, abandoned: bool) -> None:
        """The customer left (abandoned) or the interaction was closed while waiting."""
        short = kpi.short_abandon_ms()
        waits = []
        if clock.visit_started_ms is not None:
            waits.append((keys_for(at, queue_id=clock.queue_id), at - clock.visit_started_ms))
            clock.visit_started_ms = None
        if clock.contact_queued_ms is not None and not clock.contact_answered:
            waits.append((keys_for(at, channel=clock.channel), at - clock.contact_queued_ms))
        clock.contact_queued_ms = None
        for keys, wait in waits:
            if abandoned:
                wait = max(0, wait)
                count(
                    rows,
                    keys,
                    abandoned=1,
                    abandoned_short=int(wait < short),
                    abandon_wait_ms=wait,
                )
            else:
                count(rows, keys, left_unanswered=1)

    def on_InteractionAbandoned(self, e: ie.InteractionAbandoned, rows: Rows, at: int, now: int):
        clock = self._clock(e.interaction_id, rows)
        if clock is None:
            return
        self._left_queue(clock, rows, at, abandoned=True)
        clock.awaiting_first_response = False

    # -- interactions: handling -------------------------------------------------------------

    def _segment_over(self, clock: InteractionClock, rows: Rows, at: int, now: int, **extra):
        """The agent's part is over: one handle, counted now with its conversation and
        wrap-up, for the queue it was answered from, the agent and the channel."""
        agent_id = clock.agent_id
        if agent_id is None:
            return
        if clock.wrap_started_ms is None:
            clock.handle_ms = max(0, at - (clock.answered_ms or at))
        amounts = {"handled": 1, "handle_ms": clock.handle_ms, **extra}
        if not clock.inbound:  # an outbound contact's handle: its own columns (no transfer rate)
            amounts = {OUTBOUND[k]: v for k, v in amounts.items() if k in OUTBOUND}
        count(
            rows,
            keys_for(at, queue_id=clock.segment_queue_id, agent_id=agent_id, channel=clock.channel),
            **amounts,
        )
        clock.agent_id = None
        clock.answered_ms = clock.wrap_started_ms = None
        clock.handle_ms = 0
        agent = self._agent(agent_id, rows, now)
        if clock.interaction_id in agent.work:
            agent.work = {k: v for k, v in agent.work.items() if k != clock.interaction_id}
            agent.clocking = agent.presence != "offline" or bool(agent.work)

    def on_InteractionTransferred(self, e: ie.InteractionTransferred, rows, at: int, now: int):
        clock = self._clock(e.interaction_id, rows)
        if clock is not None:
            self._segment_over(clock, rows, at, now, transferred=1)

    def on_WrapUpStarted(self, e: ie.WrapUpStarted, rows: Rows, at: int, now: int):
        clock = self._clock(e.interaction_id, rows)
        if clock is None or clock.agent_id is None:
            return
        clock.handle_ms = max(0, at - (clock.answered_ms or at))
        clock.wrap_started_ms = at

    def on_WrapUpCompleted(self, e: ie.WrapUpCompleted, rows: Rows, at: int, now: int):
        clock = self._clock(e.interaction_id, rows)
        if clock is None:
            return
        if clock.wrap_started_ms is None:
            self._segment_over(clock, rows, at, now)
        else:
            wrap = max(0, at - clock.wrap_started_ms)
            self._segment_over(clock, rows, at, now, wrapped=1, wrap_ms=wrap)

    def on_InteractionClosed(self, e: ie.InteractionClosed, rows: Rows, at: int, now: int):
        clock = self._clock(e.interaction_id, rows)
        if clock is None:
            return
        self._left_queue(clock, rows, at, abandoned=False)
        self._segment_over(clock, rows, at, now)
        clock.awaiting_first_response = False
        if not clock.contact_answered or e.reason == "spam":
            return
        keys = keys_for(
            at,
            queue_id=clock.segment_queue_id,
            agent_id=clock.last_agent_id,
            channel=clock.channel,
        )
        if kpi.is_async(clock.channel):
            count(rows, keys, resolved=1, resolution_ms=max(0, at - clock.contact_opened_ms))
        if clock.inbound:
            count(rows, keys, fcr_candidates=1)
            self._watch_for_repeat(clock.customer_id, at, keys, rows)

    def on_MessageSent(self, e: ie.MessageSent, rows: Rows, at: int, now: int):
        if not e.author.startswith(("agent:", "supervisor:")):
            return
        clock = rows.get(InteractionClock, e.interaction_id)
        if clock is None or not clock.awaiting_first_response:
            return
        rows.changed(clock)
        clock.awaiting_first_response = False
        author = e.author.partition(":")[2]
        count(
            rows,
            keys_for(
                at,
                queue_id=clock.segment_queue_id or clock.queue_id,
                agent_id=int(author) if author.isdigit() else None,
                channel=clock.channel,
            ),
            first_responses=1,
            first_response_ms=max(0, at - clock.contact_opened_ms),
        )

    def on_CsatRated(self, e: ie.CsatRated, rows: Rows, at: int, now: int):
        clock = self._clock(e.interaction_id, rows)
        if clock is None or not 1 <= e.rating <= 5:
            return
        if clock.rating:  # rated again: the new rating replaces the old one
            old = clock.rating["rating"]
            count(
                rows,
                clock.rating["facts"],
                csat_count=-1,
                csat_sum=-old,
                csat_satisfied=-int(old >= 4),
            )
        keys = keys_for(
            at,
            queue_id=clock.segment_queue_id or clock.queue_id,
            agent_id=clock.last_agent_id,
            channel=clock.channel,
        )
        count(rows, keys, csat_count=1, csat_sum=e.rating, csat_satisfied=int(e.rating >= 4))
        if clock.survey_facts and not clock.rating:  # the survey's answer, where it was asked
            count(rows, clock.survey_facts, csat_survey_answers=1)
        clock.rating = {"rating": e.rating, "facts": keys}

    def on_CsatSurveySent(self, e: ie.CsatSurveySent, rows: Rows, at: int, now: int):
        clock = self._clock(e.interaction_id, rows)
        if clock is None or clock.survey_facts:
            return
        keys = keys_for(
            at,
            queue_id=clock.segment_queue_id or clock.queue_id,
            agent_id=clock.last_agent_id,
            channel=clock.channel,
        )
        count(rows, keys, csat_surveys=1)
        clock.survey_facts = keys

    # -- what the channel's provider bills --------------------------------------------------

    def _bill(self, event: RecordedEvent, rows: Rows, at: int) -> None:
        """The units the interaction's channel bills for this event, counted for its queue
        and channel (not its agent: an agent's cost is their handle time)."""
        clock = rows.get(InteractionClock, event.data.get("interaction_id", ""))
        channel = channel_registry.channel(clock.channel) if clock is not None else None
        if channel is None or channel.billing is None or event.type not in channel.billing.events:
            return
        # Counted as it was appended (an erased text cannot be counted again); events written
        # before that are counted from their words.
        units = event.data.get("units")
        if units is None:
            units = channel.billing.units(event.type, event.data)
        if units <= 0:
            return
        cost = units * kpi.unit_cost_micros(clock.channel)
        queue_id = clock.segment_queue_id or clock.queue_id
        if queue_id is None:  # not queued yet: the queue it enters gets it then
            rows.changed(clock)
            clock.unqueued_units += units
            clock.unqueued_cost_micros += cost
        count(
            rows,
            keys_for(at, queue_id=queue_id, channel=clock.channel),
            channel_units=units,
            channel_cost_micros=cost,
        )

    # -- first-contact resolution -----------------------------------------------------------

    def _watch_for_repeat(self, customer_id: str, at: int, keys: list[str], rows: Rows):
        window = kpi.fcr_window_ms()
        watch = rows.get(RepeatWatch, customer_id)
        if watch is None:
            watch = rows.add(RepeatWatch(customer_id=customer_id, resolved=[]))
        watch.resolved = [r for r in watch.resolved if at - r["at"] <= window]
        watch.resolved.append({"at": at, "facts": keys})
        rows.changed(watch)

    def _customer_came_back(self, customer_id: str, at: int, rows: Rows) -> None:
        """A new or reopened contact: every resolved contact of this customer within the
        window before it was not resolved first time (counted where it was resolved)."""
        watch = rows.get(RepeatWatch, customer_id)
        if watch is None:
            return
        window, waiting = kpi.fcr_window_ms(), []
        for resolved in watch.resolved:
            if resolved["at"] > at:
                waiting.append(resolved)  # resolved after this contact began: not its repeat
            elif at - resolved["at"] <= window:
                count(rows, resolved["facts"], fcr_repeated=1)
        if waiting:
            watch.resolved = waiting
            rows.changed(watch)
        else:
            rows.delete(watch)

    def on_CustomerMerged(self, e: ce.CustomerMerged, rows: Rows, at: int, now: int):
        rows.update_where(InteractionClock, "customer_id", e.customer_id, e.into_customer_id)
        loser = rows.get(RepeatWatch, e.customer_id)
        if loser is None:
            return
        survivor = rows.get(RepeatWatch, e.into_customer_id)
        if survivor is None:
            survivor = rows.add(RepeatWatch(customer_id=e.into_customer_id, resolved=[]))
        survivor.resolved = sorted(survivor.resolved + loser.resolved, key=lambda r: r["at"])
        rows.changed(survivor)
        rows.delete(loser)

    # -- agents: presence, offers and time --------------------------------------------------

    def _agent(self, agent_id: int, rows: Rows, now: int) -> AgentClock:
        """The agent's clock with their time counted up to `now`."""
        agent = rows.get(AgentClock, agent_id)
        if agent is None:
            agent = rows.add(AgentClock(agent_id=agent_id, since_ms=now, work={}, capacity={}))
        else:
            rows.changed(agent)
            self._advance(agent, now, rows)
        return agent

    def _advance(self, agent: AgentClock, to_ms: int, rows: Rows) -> None:
        if to_ms <= agent.since_ms:
            return
        rows.changed(agent)
        if agent.clocking:
            presence, working = agent.presence, bool(agent.work)
            ppm = capacity_used_ppm(agent.work, agent.capacity)
            for bucket, duration in pieces(agent.since_ms, to_ms):
                amounts = {"logged_in_ms": duration}
                if presence == "available" or working:
                    amounts["occupiable_ms"] = duration
                if working:
                    amounts["working_ms"] = duration
                    amounts["capacity_used_ppm_ms"] = duration * ppm
                if presence == "away":
                    amounts["away_ms"] = duration
                count(rows, [fact_key(bucket, "agent", agent.agent_id)], **amounts)
        agent.since_ms = to_ms

    def on_AgentPresenceChanged(self, e: re.AgentPresenceChanged, rows: Rows, at: int, now: int):
        agent = self._agent(e.agent_id, rows, now)
        agent.presence = e.presence
        agent.capacity = dict(e.capacity)
        agent.clocking = e.presence != "offline" or bool(agent.work)

    def on_OfferCreated(self, e: ie.OfferCreated, rows: Rows, at: int, now: int):
        count(rows, keys_for(at, agent_id=e.agent_id), offers=1)

    def on_OfferRejected(self, e: ie.OfferRejected, rows: Rows, at: int, now: int):
        count(rows, keys_for(at, agent_id=e.agent_id), offers_rejected=1)

    def on_OfferTimedOut(self, e: ie.OfferTimedOut, rows: Rows, at: int, now: int):
        count(rows, keys_for(at, agent_id=e.agent_id), offers_missed=1)
