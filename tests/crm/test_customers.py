import pytest

from contactcenter.interactions.domain import DomainError
from contactcenter.interactions.ingest import ingest
from contactcenter.interactions.models import Interaction
from crm import customers
from crm.identities import IdentityKind, InvalidIdentity, normalise
from crm.models import ContactIdentity, Customer, CustomerNote
from crm.timeline import customer_timeline
from tests.factories import chat_message, email_message

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("kind", "raw", "address"),
    [
        ("email", "Jo Bloggs <Jo.Bloggs@Example.COM>", "jo.bloggs@example.com"),
        ("phone", "+44 20 7946 0018", "+442079460018"),
        ("phone", "500-555-0006", "+15005550006"),
        ("slack", "t012ab:u034cd", "T012AB:U034CD"),
        ("web", "visitor-1", "visitor-1"),
    ],
)
def test_identities_are_normalised(kind, raw, address):
    assert normalise(kind, raw).address == address


@pytest.mark.parametrize(
    ("kind", "raw", "reason"),
    [
        ("email", "nobody", "not an e-mail address"),
        ("phone", "call me maybe", "not a phone number"),
        ("slack", "U034CD", "TEAM:USER"),
        ("fax", "123", "unknown identity kind"),
        ("web", "  ", "empty"),
    ],
)
def test_bad_identities_are_refused_with_a_reason(kind, raw, reason):
    with pytest.raises(InvalidIdentity, match=reason):
        normalise(kind, raw)


def test_merging_moves_identities_notes_and_interactions_to_the_survivor():
    by_chat = ingest(chat_message(visitor="v-200"))
    by_mail = ingest(email_message(sender="dana@example.org"))
    customers.add_note(by_chat.customer_id, "Prefers chat", author="agent:1")

    customers.merge(by_chat.customer_id, into_id=by_mail.customer_id)

    survivor = by_mail.customer_id
    assert Customer.objects.get(pk=by_chat.customer_id).merged_into_id == survivor
    assert set(
        ContactIdentity.objects.filter(customer_id=survivor).values_list("key", flat=True)
    ) == {"web:v-200", "email:dana@example.org"}
    assert CustomerNote.objects.get().customer_id == survivor
    assert set(Interaction.objects.values_list("customer_id", flat=True)) == {survivor}
    # the next chat from that visitor is the survivor's
    assert ingest(chat_message(visitor="v-200")).customer_id == survivor


def test_a_merged_customer_cannot_be_merged_again_or_into_itself():
    a = ingest(chat_message(visitor="v-201")).customer_id
    b = ingest(chat_message(visitor="v-202")).customer_id
    with pytest.raises(DomainError, match="into itself"):
        customers.merge(a, a)
    customers.merge(a, b)
    with pytest.raises(DomainError, match="was merged into"):
        customers.merge(a, b)


def test_an_identity_of_another_customer_cannot_be_added():
    a = ingest(chat_message(visitor="v-203")).customer_id
    b = ingest(chat_message(visitor="v-204")).customer_id
    with pytest.raises(DomainError, match="belongs to another customer"):
        customers.add_identity(a, normalise(IdentityKind.WEB, "v-204"))
    customers.add_identity(a, normalise(IdentityKind.EMAIL, "new@example.org"))
    assert ContactIdentity.objects.get(key="email:new@example.org").customer_id == a
    assert b


def test_the_timeline_shows_every_interaction_on_every_channel_from_the_log():
    chat = ingest(chat_message(visitor="v-205", text="Chat question"))
    mail = ingest(email_message(sender="eve@example.org", text="Mail question"))
    customers.merge(mail.customer_id, into_id=chat.customer_id)

    timeline = customer_timeline(chat.customer_id)

    assert {(t.channel, t.summary) for t in timeline} == {
        ("webchat", "Chat question"),
        ("email", "Mail question"),
    }
    assert all(t.messages == 1 for t in timeline)
