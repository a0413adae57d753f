"""Starting work: an agent starts a conversation with a customer on any channel (the REST
API's `POST /api/v1/interactions/`)."""

from channels_adapters import base as channel_registry
from contactcenter import access
from contactcenter.actions.actor import Actor, Forbidden
from contactcenter.commands import command
from contactcenter.interactions import commands as interactions
from contactcenter.interactions.domain import DomainError
from crm import customers
from crm.identities import normalise
from crm.models import ContactIdentity, Customer
from routing import config


def start(actor: Actor, data: dict) -> str:
    """The new interaction's id; its events name the agent who started it."""
    with actor.acting(actor.as_agent):
        return start_conversation(actor, data)


@command
def start_conversation(actor: Actor, data: dict) -> str:
    """One transaction: the customer (registered if new), the interaction, its first message.
    The console's rules hold: the queue is one of the agent's, and an existing customer is one
    the agent may already see; starting work is no way to see someone's history."""
    queue_id = data.get("queue_id")
    queue = config.queue(queue_id)
    if queue_id is not None and queue is None:
        raise DomainError(f"no queue {queue_id}")
    if actor.id not in config.current().agents:
        raise Forbidden("Only a person with an agent profile starts conversations.")
    if not access.may_start_in(actor.user, queue_id):
        raise Forbidden(f"You are not in queue {queue.name}.")
    if identity := data.get("identity"):
        customer_id = _customer_at(actor, identity)
    else:
        customer_id = _live_customer(actor, data["customer_id"])
    kind = channel_registry.identity_kind(data["channel"])
    if not ContactIdentity.objects.filter(customer_id=customer_id, kind=kind).exists():
        raise DomainError(f"the customer has no {kind} identity to reach on {data['channel']}")
    interaction_id = interactions.start_outbound(
        channel=data["channel"],
        channel_key=data["channel_key"],
        customer_id=customer_id,
        agent_id=actor.id,
        queue_id=queue_id,
        subject=data.get("subject", ""),
        interaction_id=data.get("interaction_id", ""),
    )
    if data.get("text"):
        interactions.send_message(
            interaction_id,
            author=actor.as_agent,
            author_name=actor.display_name(),
            text=data["text"],
            subject=data.get("subject", ""),
        )
    return interaction_id


def _customer_at(actor: Actor, identity: dict) -> str:
    """The customer an address belongs to, registered if new. An address of a customer the
    agent may not see is refused: a supervisor can start that conversation."""
    found = normalise(identity["kind"], identity["address"], display_name=identity.get("name", ""))
    known = customers.find(found)
    if known is not None and not access.can_see_customer(actor.user, known):
        raise Forbidden(
            "That address belongs to a customer outside your queues; a supervisor can start "
            "this conversation."
        )
    return customers.identify(found, name=identity.get("name", ""))[0]


def _live_customer(actor: Actor, customer_id: str) -> str:
    """A customer the agent may not see answers like one that does not exist."""
    customer = Customer.objects.filter(pk=customer_id).first()
    live = customer and (customer.merged_into_id or customer.id)
    if not live or not access.can_see_customer(actor.user, live):
        raise DomainError(f"no customer {customer_id}")
    return live
