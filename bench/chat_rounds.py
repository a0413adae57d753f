"""How a run's offers were made: in how many of the router's transactions.

Every arrival's commit wakes the router, and a round that finds several chats waiting offers
them together in one transaction (contactcenter/workers/loop.py, `WAKE_GATHER_SECONDS`). The
log tells which offers went together: the events of one transaction share its id (`txid`,
PostgreSQL's, stamped by the event store's trigger). A round costs nearly the same for one
offer as for several (docs/benchmarks.md, issue 18), so this says what the router's CPU a
chat is made of.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Rounds:
    offers: int
    rounds: int  # the router's transactions that offered

    def __str__(self) -> str:
        return f"{self.offers} offers in {self.rounds} rounds"


def counted() -> Rounds:
    """The offers in the bench's log and the transactions that appended them (Django set up
    on the bench's database, on PostgreSQL)."""
    from contactcenter.events.models import Event

    offers = Event.objects.filter(type="OfferCreated")
    return Rounds(offers.count(), offers.values("txid").distinct().count())
