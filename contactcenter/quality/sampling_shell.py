"""Running a sampling rule (contactcenter/quality/sampling.py decides): gather the period's
closed interactions with what the rule looks at, let the rule's stream decide what is new,
append the picks. A button on the QA page runs it for whoever presses it (their scope), and
`manage.py sample_for_qa` runs every active rule for everyone (a daily cron job)."""

from datetime import timedelta

from contactcenter import clock
from contactcenter.commands import command
from contactcenter.events import aggregate as aggregates
from contactcenter.events.aggregate import Aggregate
from contactcenter.events.store import RecordedEvent
from contactcenter.events.types import DomainEvent
from contactcenter.interactions.domain import DomainError
from contactcenter.interactions.models import Interaction, TranscriptEntry
from contactcenter.knowledge.models import ConversationSentiment
from contactcenter.quality import sampling
from contactcenter.quality.events import InteractionsSampled
from contactcenter.quality.models import SamplingRule

MOST_CANDIDATES = 5000  # the period's most recent closed interactions a run looks at


class SamplingStream(Aggregate):
    """A rule's picks: never the same interaction twice, and per agent per period no more
    than the rule allows."""

    stream_prefix = "sampling"

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.picks: list[tuple[str, int, object]] = []  # interaction, agent, picked at

    def when(self, event: RecordedEvent) -> None:
        if event.type == "InteractionsSampled":
            self.picks += [
                (p["interaction_id"], p["agent_id"], event.occurred_at) for p in event.data["picks"]
            ]

    def sample(
        self, rule: SamplingRule, candidates: list[sampling.Candidate], now
    ) -> list[DomainEvent]:
        since = now - timedelta(days=rule.period_days)
        already: dict[int, int] = {}
        for _, agent_id, at in self.picks:
            if at >= since:
                already[agent_id] = already.get(agent_id, 0) + 1
        picks = sampling.pick(
            _pure(rule),
            candidates,
            already,
            {interaction_id for interaction_id, _, _ in self.picks},
            seed=f"{rule.pk}:{now.date().isoformat()}",
        )
        if not picks:
            return []
        return [
            InteractionsSampled(
                rule_id=rule.pk,
                rule_name=rule.name,
                scorecard_id=rule.scorecard_id,
                period_days=rule.period_days,
                picks=[
                    {"interaction_id": p.interaction_id, "agent_id": p.agent_id, "reason": p.reason}
                    for p in picks
                ],
            )
        ]


def _pure(rule: SamplingRule) -> sampling.Rule:
    return sampling.Rule(
        id=rule.pk,
        kind=rule.kind,
        per_agent=rule.per_agent,
        csat_at_most=rule.csat_at_most,
        handle_minutes_at_least=rule.handle_minutes_at_least,
        sentiment_below=rule.sentiment_below,
        keyword=rule.keyword,
    )


def candidates(
    rule: SamplingRule, now, agents: frozenset[int] | None = None
) -> list[sampling.Candidate]:
    """The period's closed interactions an agent handled (of `agents`, or anyone's)."""
    closed = Interaction.objects.filter(
        state="closed",
        last_agent_id__isnull=False,
        ended_at__gte=now - timedelta(days=rule.period_days),
    )
    if agents is not None:
        closed = closed.filter(last_agent_id__in=agents)
    rows = list(closed.order_by("-ended_at")[:MOST_CANDIDATES])
    ids = [r.pk for r in rows]
    moods = {}
    if rule.kind == SamplingRule.Kind.NEGATIVE_SENTIMENT:
        moods = dict(
            ConversationSentiment.objects.filter(interaction_id__in=ids).values_list(
                "interaction_id", "lowest"
            )
        )
    texts: dict[str, list[str]] = {}
    if rule.kind == SamplingRule.Kind.KEYWORD:
        entries = TranscriptEntry.objects.filter(interaction_id__in=ids).exclude(
            kind=TranscriptEntry.Kind.ACTIVITY
        )
        for interaction_id, text in entries.values_list("interaction_id", "text"):
            texts.setdefault(interaction_id, []).append(text or "")
    return [
        sampling.Candidate(
            interaction_id=r.pk,
            agent_id=r.last_agent_id,
            ended_at=r.ended_at,
            csat=r.csat_rating,
            handle_seconds=(r.ended_at - r.answered_at).total_seconds()
            if r.answered_at and r.ended_at
            else None,
            lowest_sentiment=moods.get(r.pk),
            text="\n".join(texts.get(r.pk, ())),
        )
        for r in rows
    ]


@command
def sample(rule_id: int, agents: frozenset[int] | None = None) -> int:
    """Run a rule now (for `agents`' work, or everyone's); returns how many it picked."""
    rule = SamplingRule.objects.filter(pk=rule_id, active=True).first()
    if rule is None:
        raise DomainError("no such active sampling rule")
    now = clock.now()
    found = candidates(rule, now, agents)
    events = aggregates.decide_and_append(
        SamplingStream, str(rule.pk), lambda s: s.sample(rule, found, now)
    )
    return sum(len(e.data["picks"]) for e in events)
