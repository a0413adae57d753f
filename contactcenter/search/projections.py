"""The search projection: inline, so what was just written can be found at once. A message or
note names its interaction only (whose customer it is, and who may see it, are read from the
interaction when searching); a customer's card and notes name the customer."""

from django.conf import settings

from contactcenter.events import instances
from contactcenter.events.projections import Projector, Rows, register
from contactcenter.events.sealing import ERASED
from contactcenter.events.store import RecordedEvent
from contactcenter.interactions import events as ev
from contactcenter.search.models import SearchDocument
from crm import events as crm


def _language() -> str:
    return settings.SEARCH_LANGUAGE


def _words(*parts: str) -> str:
    # An erased address or company adds nothing to a card: the live rows an erasure scrubs
    # (scrub_customers) and a rebuild from the sealed log then agree.
    return " ".join(p for p in parts if p and p != ERASED)


@register
class SearchProjector(Projector):
    name = "search"
    models = [SearchDocument]
    write_once = [SearchDocument]

    def _message(self, kind, key, e, r: RecordedEvent, rows: Rows, title: str = "") -> None:
        rows.add(
            instances.new(
                SearchDocument,
                id=f"{kind}:{key}",
                kind=kind,
                interaction_id=e.interaction_id,
                title=title[:500],
                body=e.text,
                occurred_at=r.occurred_at,
                language=_language(),
            )
        )

    def on_MessageReceived(self, e: ev.MessageReceived, r: RecordedEvent, rows: Rows):
        self._message("message", e.message_id, e, r, rows, e.subject or "")

    def on_MessageSent(self, e: ev.MessageSent, r: RecordedEvent, rows: Rows):
        self._message("message", e.message_id, e, r, rows, e.subject or "")

    def on_InternalNoteAdded(self, e: ev.InternalNoteAdded, r: RecordedEvent, rows: Rows):
        # A supervisor's whisper is for the agent holding the chat (access.reads_whispers);
        # a hit shows its words to whoever may see the conversation, so it is not indexed.
        if e.audience != "agent":
            self._message("note", e.note_id, e, r, rows)

    def on_CustomerRegistered(self, e: crm.CustomerRegistered, r: RecordedEvent, rows: Rows):
        rows.add(
            instances.new(
                SearchDocument,
                id=f"customer:{e.customer_id}",
                kind="customer",
                interaction_id="",  # a card refers to no interaction
                customer_id=e.customer_id,
                title=e.name[:500],
                body="",
                occurred_at=r.occurred_at,
                language=_language(),
            )
        )

    def _customer(self, customer_id: str, rows: Rows) -> SearchDocument | None:
        doc = rows.get(SearchDocument, f"customer:{customer_id}")
        if doc is not None:
            rows.changed(doc)
        return doc

    def on_CustomerIdentityAdded(self, e: crm.CustomerIdentityAdded, r: RecordedEvent, rows):
        doc = self._customer(e.customer_id, rows)
        if doc is not None:
            doc.body = _words(doc.body, e.address, e.display_name)

    def on_CustomerProfileUpdated(self, e: crm.CustomerProfileUpdated, r: RecordedEvent, rows):
        doc = self._customer(e.customer_id, rows)
        if doc is not None:
            if e.name is not None:
                doc.title = e.name[:500]
            if e.company:
                doc.body = _words(doc.body, e.company)

    def on_CustomerNoteAdded(self, e: crm.CustomerNoteAdded, r: RecordedEvent, rows: Rows):
        rows.add(
            instances.new(
                SearchDocument,
                id=f"customer_note:{e.note_id}",
                kind="customer_note",
                interaction_id="",
                customer_id=e.customer_id,
                body=e.text,
                occurred_at=r.occurred_at,
                language=_language(),
            )
        )

    def on_CustomerMerged(self, e: crm.CustomerMerged, r: RecordedEvent, rows: Rows):
        # The duplicate's texts are the kept customer's now; its own card is gone.
        rows.update_where(SearchDocument, "customer_id", e.customer_id, e.into_customer_id)
        doc = rows.get(SearchDocument, f"customer:{e.customer_id}")
        if doc is not None:
            rows.delete(doc)

    # A customer edits or deletes a message on their side (Slack): search finds what the
    # message says now, and nothing of a deleted one.
    def on_CustomerMessageEdited(self, e, r: RecordedEvent, rows: Rows):
        doc = rows.get(SearchDocument, f"message:{e.message_id}")
        if doc is not None:
            doc.body = e.text
            rows.changed(doc)

    def on_CustomerMessageDeleted(self, e, r: RecordedEvent, rows: Rows):
        doc = rows.get(SearchDocument, f"message:{e.message_id}")
        if doc is not None:
            rows.delete(doc)


# What erasure and retention leave of the live rows, as a rebuild from the log would give them
# (contactcenter/privacy): a sealed text reads ERASED once its key is gone, an empty one stays
# empty.


def _erase_filled(documents, *fields: str) -> None:
    for field in fields:
        documents.exclude(**{field: ""}).update(**{field: ERASED})


def scrub_customers(customer_ids: list[str], interaction_ids: list[str]) -> None:
    """Every text of erased customers: their cards, notes about them, their conversations."""
    cards = SearchDocument.objects.filter(
        kind=SearchDocument.Kind.CUSTOMER, customer_id__in=customer_ids
    )
    _erase_filled(cards, "title")
    cards.exclude(body="").update(body="")
    _erase_filled(
        SearchDocument.objects.filter(
            kind=SearchDocument.Kind.CUSTOMER_NOTE, customer_id__in=customer_ids
        ),
        "body",
    )
    _erase_filled(
        SearchDocument.objects.filter(interaction_id__in=interaction_ids), "title", "body"
    )


def purge_message_text(interaction_ids: list[str], before) -> None:
    """Messages of `interaction_ids` older than `before` (a retention purge of message text)."""
    _erase_filled(
        SearchDocument.objects.filter(
            kind=SearchDocument.Kind.MESSAGE,
            interaction_id__in=interaction_ids,
            occurred_at__lt=before,
        ),
        "title",
        "body",
    )
