"""Conversations by label, for the reports: how many conversations begun in the range carry
each label, on themselves or on their customer. Labels are not interval facts (they are set
and removed at any time), so this reads the label projection as it is now."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q

from contactcenter.access import team_rule
from contactcenter.interactions.models import Interaction
from contactcenter.labels.models import LabelDefinition, Labelled


@dataclass(frozen=True)
class LabelCount:
    label: str
    title: str
    conversations: int


def counts(start: datetime, end: datetime, team: frozenset[int] | None = None) -> list[LabelCount]:
    """Every conversation begun in the range, or (`team`: a team lead's agents) those the
    team's agents hold, are offered or handled last: what the team lead may open."""
    begun = Interaction.objects.filter(created_at__gte=start, created_at__lt=end)
    if team is not None:
        begun = begun.filter(team_rule(team))
    titles = dict(LabelDefinition.objects.values_list("name", "title"))
    found = []
    for label in sorted(set(Labelled.objects.values_list("label", flat=True))):
        tagged = Labelled.objects.filter(label=label)
        conversations = begun.filter(
            Q(pk__in=tagged.filter(subject="conversation").values("subject_id"))
            | Q(customer_id__in=tagged.filter(subject="customer").values("subject_id"))
        ).count()
        if conversations:
            found.append(LabelCount(label, titles.get(label, label), conversations))
    return found
