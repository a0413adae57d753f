"""Customer satisfaction: the rating a customer gives an interaction (1 to 5) is an event on
its stream. The web chat widget's survey (or any channel's) calls `rate`."""

from contactcenter.commands import command
from contactcenter.interactions import commands as interactions
from contactcenter.interactions import events as ev
from contactcenter.interactions.domain import DomainError, Interaction, State

RATINGS = range(1, 6)
LONGEST_COMMENT = 2000


def decide(interaction: Interaction, rating: int, comment: str) -> list[ev.CsatRated]:
    """A rating of an interaction an agent answered; a later one replaces it in the KPIs."""
    if isinstance(rating, bool) or not isinstance(rating, int) or rating not in RATINGS:
        raise DomainError("a rating is a whole number from 1 to 5")
    if interaction.last_agent_id is None:
        raise DomainError("only an interaction an agent answered can be rated")
    if interaction.state not in (State.ACTIVE, State.WRAP_UP, State.CLOSED):
        raise DomainError(f"cannot rate an interaction that is {interaction.state}")
    return [
        ev.CsatRated(
            interaction_id=interaction.id, rating=rating, comment=comment[:LONGEST_COMMENT]
        )
    ]


@command
def rate(
    interaction_id: str, rating: int, comment: str = "", *, idempotency_key: str | None = None
) -> None:
    interactions.decide_and_append(
        interaction_id, lambda i: decide(i, rating, comment), idempotency_key=idempotency_key
    )
