"""What a supervisor can do from the wallboard; each is an event with the supervisor as
actor. Monitoring is read-only; a whisper reaches only the agent; barging joins the chat. A
team lead may do the same with their team's agents and the work they hold; only supervisors
assign waiting work by hand."""

from contactcenter.actions import presence as presence_actions
from contactcenter.actions.actor import Actor, NotASupervisor
from contactcenter.commands import command
from contactcenter.interactions import commands as interactions
from contactcenter.interactions.domain import DomainError, Interaction, State
from contactcenter.supervisor import events as ev
from routing import offers

LIVE = (State.QUEUED, State.OFFERED, State.ACTIVE, State.WRAP_UP)

__all__ = ["NotASupervisor"]


def _supervisor(actor: Actor, interaction_id: str) -> str:
    """The actor supervises whoever holds the interaction (nobody: supervisors only)."""
    from contactcenter.interactions.models import Interaction as Row

    holder = Row.objects.filter(pk=interaction_id).values_list("agent_id", flat=True).first()
    actor.require_supervising(holder)
    return actor.name


@command
def monitor(user: Actor, interaction_id: str) -> bool:
    """Start monitoring (read-only); True when it starts now, False when this supervisor is
    already monitoring it: monitoring is a state with one event at each end, not a stream of
    events per look."""
    _supervisor(user, interaction_id)
    if user.id in monitors(interaction_id):
        return False

    def decide(interaction: Interaction):
        if interaction.state not in LIVE:
            raise DomainError(f"the interaction is {interaction.state}: nothing to monitor")
        return [
            ev.InteractionMonitored(
                interaction_id=interaction.id,
                supervisor_id=user.id,
                supervisor_name=user.display_name(),
            )
        ]

    with user.acting():
        interactions.decide_and_append(interaction_id, decide)
    return True


@command
def stop_monitoring(user: Actor, interaction_id: str, why: str = "stopped") -> bool:
    """End this supervisor's monitoring of the interaction, if it is going on (whoever holds
    it now: what one started, one may end)."""
    if user.id not in monitors(interaction_id):
        return False
    ended = ev.InteractionMonitoringEnded(
        interaction_id=interaction_id, supervisor_id=user.id, why=why
    )
    with user.acting():
        interactions.decide_and_append(interaction_id, lambda interaction: [ended])
    return True


def monitors(interaction_id: str) -> set[int]:
    """The supervisors monitoring the interaction now, from its stream."""
    from contactcenter.events import store

    watching: set[int] = set()
    for event in store.read_stream(f"interaction-{interaction_id}"):
        if event.type == "InteractionMonitored":
            watching.add(event.data["supervisor_id"])
        elif event.type == "InteractionMonitoringEnded":
            watching.discard(event.data["supervisor_id"])
    return watching


@command
def whisper(user: Actor, interaction_id: str, text: str) -> str:
    """A note only the agent handling it (and supervisors) sees."""
    actor = _supervisor(user, interaction_id)
    if not text.strip():
        raise DomainError("an empty whisper")
    with user.acting():
        return interactions.add_note(
            interaction_id,
            text.strip(),
            author=actor,
            author_name=user.display_name(),
            audience="agent",
        )


@command
def barge(user: Actor, interaction_id: str) -> None:
    _supervisor(user, interaction_id)

    def decide(interaction: Interaction):
        if interaction.state is not State.ACTIVE:
            raise DomainError("only a conversation going on can be joined")
        return [
            ev.SupervisorBarged(
                interaction_id=interaction.id,
                supervisor_id=user.id,
                supervisor_name=user.display_name(),
            )
        ]

    with user.acting():
        interactions.decide_and_append(interaction_id, decide)


@command
def say(user: Actor, interaction_id: str, text: str, client_message_id: str = "") -> str:
    """After barging in: a message to the customer, as the supervisor."""
    actor = _supervisor(user, interaction_id)
    events = interactions.load(interaction_id)
    if events.state is not State.ACTIVE:
        raise DomainError("the conversation is not going on")
    if not barged(interaction_id, user.id):
        raise DomainError("join the conversation first")
    with user.acting():
        return interactions.send_message(
            interaction_id,
            author=actor,
            author_name=user.display_name(),
            text=text.strip(),
            client_message_id=client_message_id or None,
        )


def barged(interaction_id: str, supervisor_id: int) -> bool:
    from contactcenter.events import store

    return any(
        e.type == "SupervisorBarged" and e.data["supervisor_id"] == supervisor_id
        for e in store.read_stream(f"interaction-{interaction_id}")
    )


def force_presence(user: Actor, agent_id: int, presence_: str, reason: str = "") -> None:
    user.require_supervising(agent_id)
    presence_actions.set_presence(user, agent_id, presence_, reason)


def assign(user: Actor, interaction_id: str, agent_id: int) -> None:
    """Take a waiting interaction and hand it to an agent directly."""
    user.require_supervisor()
    with user.acting():
        offers.assign_by_hand(interaction_id, agent_id)
