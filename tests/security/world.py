"""The people of docs/security.md's matrix, and the work each column is asked about.

Two queues. Alice (Support) holds a chat; Bob is in Support too and holds nothing; Olga is in
Billing only; Trent (Support) held a chat and transferred it to Billing; Sam supervises; Tess
leads the team Alice is in (Bob is not), with no agent profile; Quinn is a QA specialist; Ada
is the admin (superuser, no agent profile); a user with no role; and nobody. Every column's
question is asked about `subject(column)`: the chat Alice holds, or for Trent the one he
handed off."""

import uuid
from dataclasses import dataclass, field

from django.contrib.auth.models import Group, User

from channels_adapters.email import storage
from channels_adapters.email.models import EmailChannel
from channels_adapters.slack import demo as slack_demo
from channels_adapters.twilio import demo as twilio_demo
from channels_adapters.webchat.models import WebChatChannel
from contactcenter.console.models import CannedResponse
from contactcenter.interactions import commands as interactions
from contactcenter.interactions.ingest import Attachment, ingest
from contactcenter.interactions.models import Interaction
from contactcenter.quality import commands as quality
from contactcenter.quality.models import Criterion, Scorecard, Section
from contactcenter.roles import QA_SPECIALISTS
from routing import offers, router
from routing.models import Team
from tests.factories import chat_message
from tests.routing.builders import a_queue, an_agent

# The matrix's columns, as docs/security.md heads them, and who stands in each.
ANONYMOUS, USER, OTHER_QUEUE, QUEUE, HOLDING, HANDED_OFF = (
    "anonymous",
    "user",
    "agent, other queue",
    "agent, queue",
    "agent, holding",
    "agent, handed off",
)
TEAM_LEAD, QA_SPECIALIST, SUPERVISOR, ADMIN = ("team lead", "QA specialist", "supervisor", "admin")
PEOPLE = (ANONYMOUS, USER, OTHER_QUEUE, QUEUE, HOLDING, HANDED_OFF, TEAM_LEAD, QA_SPECIALIST)
PEOPLE += (SUPERVISOR, ADMIN)
PRE_CHAT_EMAIL = "vera@example.org"


@dataclass
class World:
    support: object
    billing: object
    people: dict[str, User | None]
    canned_id: int
    held: str = ""  # Alice holds it
    handed_off: str = ""  # Trent held it, then transferred it to Billing
    offered: str = ""  # offered to Alice
    evaluation: str = ""  # Sam's evaluation of a chat Alice closed
    visitors: dict[str, str] = field(default_factory=dict)  # interaction -> visitor id

    @property
    def alice(self) -> User:
        return self.people[HOLDING]

    def subject(self, column: str, kind: str = "held") -> str:
        if column == HANDED_OFF:
            return self.handed_off
        return self.offered if kind == "offered" else self.held

    def customer_of(self, interaction_id: str) -> str:
        return Interaction.objects.get(pk=interaction_id).customer_id

    def chat(self, agent: User, *, text: str = "Hello, I need help", attach: bool = False) -> str:
        """A web chat from a new visitor (who gave an e-mail before it began), assigned."""
        visitor = f"visitor-{uuid.uuid4().hex[:8]}"
        files = (_receipt(text),) if attach else ()
        result = ingest(
            chat_message(
                visitor=visitor,
                text=text,
                attachments=files,
                channel_data={"email": PRE_CHAT_EMAIL},
                id_from_sender=True,
            )
        )
        self.visitors[result.interaction_id] = visitor
        offers.assign_by_hand(result.interaction_id, agent.pk)
        return result.interaction_id

    def hand_off(self, agent: User, **chat) -> str:
        interaction_id = self.chat(agent, **chat)
        offers.transfer(
            interaction_id, by_agent_id=agent.pk, kind="queue", to_queue_id=self.billing.pk
        )
        return interaction_id

    def offer_to_alice(self) -> str:
        """A new Support chat, offered to Alice (the only agent of Support available)."""
        result = ingest(chat_message(text="Are you there?"))
        router.route_once()
        row = Interaction.objects.get(pk=result.interaction_id)
        assert row.offer_agent_id == self.alice.pk, row.state
        return row.id

    def in_wrap_up(self) -> str:
        interaction_id = self.chat(self.alice)
        offers.end_conversation(interaction_id, self.alice.pk)
        return interaction_id

    def offer_id(self, interaction_id: str) -> str:
        return Interaction.objects.get(pk=interaction_id).offer_id


def build() -> World:
    support = a_queue("Support", entry="webchat:*", dispositions=("resolved",))
    billing = a_queue("Billing", entry=None)
    WebChatChannel.objects.create(key="demo", name="Demo", title="Demo chat")
    people = {
        ANONYMOUS: None,
        USER: User.objects.create_user("clerk", password="pw-for-tests"),
        OTHER_QUEUE: an_agent(billing, username="olga", available=False),
        QUEUE: an_agent(support, username="bob", available=False),
        HOLDING: an_agent(support, username="alice", capacity_webchat=100),
        HANDED_OFF: an_agent(support, username="trent", available=False, capacity_webchat=100),
        TEAM_LEAD: User.objects.create_user("tess", password="pw-for-tests"),
        QA_SPECIALIST: User.objects.create_user("quinn", password="pw-for-tests"),
        SUPERVISOR: an_agent(support, billing, username="sam", supervisor=True, available=False),
        ADMIN: User.objects.create_superuser("ada", password="pw-for-tests"),
    }
    team = Team.objects.create(name="Front line")
    team.leads.add(people[TEAM_LEAD])
    team.members.add(people[HOLDING])
    people[QA_SPECIALIST].groups.add(Group.objects.get_or_create(name=QA_SPECIALISTS)[0])
    canned = CannedResponse.objects.create(title="Hi", shortcut="hi", text="Hi {customer.name}")
    _providers(support)
    world = World(support, billing, people, canned.pk)
    world.evaluation = _evaluation_of_a_closed_chat(world)
    world.held = world.chat(world.alice, text="My card was charged twice", attach=True)
    world.handed_off = world.hand_off(people[HANDED_OFF], text="Billing question", attach=True)
    world.offered = world.offer_to_alice()
    return world


def _providers(support) -> None:
    """A Twilio number, a Slack app and a Postmark inbox, so that each webhook has a channel
    whose signature or credentials it checks."""
    twilio_demo.seed(log=lambda line: None)
    slack_demo.seed(log=lambda line: None)
    EmailChannel.objects.create(
        name="Postmark inbox",
        addresses="help@example.com",
        intake=EmailChannel.Intake.POSTMARK,
        webhook_secret="postmark:hook-secret",
        queue=support,
    )


def _receipt(text: str) -> Attachment:
    content = f"receipt for {text}".encode()
    key = storage.put(content, "receipt.txt")
    return Attachment(
        name="receipt.txt", content_type="text/plain", size=len(content), storage_key=key
    )


def _evaluation_of_a_closed_chat(world: World) -> str:
    alice = world.alice
    closed = world.chat(alice, text="Thanks, all sorted")
    interactions.send_message(closed, author=f"agent:{alice.pk}", text="Glad to help")
    offers.end_conversation(closed, alice.pk)
    offers.wrap_up(closed, alice.pk, disposition="resolved")
    card = Scorecard.objects.create(name="Chat", pass_mark=50)
    section = Section.objects.create(scorecard=card, title="Opening", weight=1)
    greeted = Criterion.objects.create(section=section, text="Greeted", weight=1)
    return quality.submit_evaluation(
        closed, card.pk, evaluator_id=world.people[SUPERVISOR].pk, points={greeted.pk: 1}
    )
