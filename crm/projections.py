"""Customer projections: the inline profile and identities, and catch-up activity figures."""

from contactcenter.events.projections import Projector, Rows, register
from contactcenter.events.sealing import ERASED
from contactcenter.events.store import RecordedEvent
from contactcenter.interactions import events as interaction_events
from crm import events as ev
from crm.models import ContactIdentity, Customer, CustomerActivity, CustomerNote


@register
class CustomerProjector(Projector):
    name = "customers"
    models = [Customer, ContactIdentity, CustomerNote]

    def _customer(self, customer_id: str, r: RecordedEvent, rows: Rows) -> Customer:
        customer = rows.get(Customer, customer_id)
        if customer is None:
            raise LookupError(f"event #{r.position} names unknown customer {customer_id}")
        customer.updated_at = r.occurred_at
        rows.changed(customer)
        return customer

    def on_CustomerRegistered(self, e: ev.CustomerRegistered, r: RecordedEvent, rows: Rows):
        rows.add(
            Customer(
                id=e.customer_id, name=e.name, created_at=r.occurred_at, updated_at=r.occurred_at
            )
        )

    def on_CustomerIdentityAdded(self, e: ev.CustomerIdentityAdded, r: RecordedEvent, rows):
        customer = self._customer(e.customer_id, r, rows)
        if e.kind == "email" and not customer.email:
            customer.email = e.address
        if e.kind == "phone" and not customer.phone:
            customer.phone = e.address
        if e.display_name and not customer.name:
            customer.name = e.display_name
        if e.address == ERASED:
            return  # an erased customer can no longer be found by an address (docs/privacy.md)
        rows.add(
            ContactIdentity(
                key=f"{e.kind}:{e.address}",
                customer_id=e.customer_id,
                kind=e.kind,
                address=e.address,
                display_name=e.display_name,
                created_at=r.occurred_at,
            )
        )

    def on_CustomerProfileUpdated(self, e: ev.CustomerProfileUpdated, r: RecordedEvent, rows):
        customer = self._customer(e.customer_id, r, rows)
        for field in ("name", "company", "language"):
            value = getattr(e, field)
            if value is not None:
                setattr(customer, field, value)

    def on_InteractionCreated(
        self, e: interaction_events.InteractionCreated, r: RecordedEvent, rows: Rows
    ):
        # A write to the customer's row, not only a read: a merge writes that row too, so the
        # two transactions conflict and the loser retries seeing the winner. With a read
        # alone, a merge could commit while an interaction naming the duplicate was still
        # being written; the merge would miss it, and a rebuild (which applies the two in log
        # order) would not.
        customer = rows.get(Customer, e.customer_id)
        if customer is not None:  # (updated_at is for edits of the profile; this is not one)
            customer.last_contact_at = r.occurred_at
            rows.changed(customer)

    def on_CustomerNoteAdded(self, e: ev.CustomerNoteAdded, r: RecordedEvent, rows: Rows):
        self._customer(e.customer_id, r, rows)
        rows.add(
            CustomerNote(
                id=e.note_id,
                customer_id=e.customer_id,
                author=e.author,
                author_name=e.author_name,
                text=e.text,
                created_at=r.occurred_at,
            )
        )

    def on_CustomerMerged(self, e: ev.CustomerMerged, r: RecordedEvent, rows: Rows):
        loser = self._customer(e.customer_id, r, rows)
        survivor = self._customer(e.into_customer_id, r, rows)
        loser.merged_into_id = survivor.id
        for field in ("name", "company", "language", "email", "phone"):
            if not getattr(survivor, field):
                setattr(survivor, field, getattr(loser, field))
        contacts = [at for at in (survivor.last_contact_at, loser.last_contact_at) if at]
        survivor.last_contact_at = max(contacts, default=None)
        rows.update_where(ContactIdentity, "customer_id", loser.id, survivor.id)
        rows.update_where(CustomerNote, "customer_id", loser.id, survivor.id)
        # Customers merged into the loser earlier now point at the survivor.
        rows.update_where(Customer, "merged_into_id", loser.id, survivor.id)


@register
class CustomerActivityProjector(Projector):
    """Follows the log behind the live path: first and last contact, counts per channel."""

    name = "customer_activity"
    models = [CustomerActivity]
    catch_up = True
    personal = False  # when and where a customer came, not what they said

    def prepare(self, events: list[RecordedEvent], rows: Rows) -> None:
        # The batch's customers in one read: read one by one, a round of twenty new chats
        # was twenty round trips (issue 18).
        rows.prefetch(CustomerActivity, ev.customers_named(events))

    def on_InteractionCreated(
        self, e: interaction_events.InteractionCreated, r: RecordedEvent, rows: Rows
    ):
        activity = rows.get(CustomerActivity, e.customer_id)
        if activity is None:
            activity = rows.add(
                CustomerActivity(
                    customer_id=e.customer_id,
                    first_contact_at=r.occurred_at,
                    last_contact_at=r.occurred_at,
                )
            )
        activity.interactions += 1
        activity.by_channel = {
            **activity.by_channel,
            e.channel: activity.by_channel.get(e.channel, 0) + 1,
        }
        activity.first_contact_at = min(activity.first_contact_at, r.occurred_at)
        activity.last_contact_at = max(activity.last_contact_at, r.occurred_at)
        rows.changed(activity)

    def on_CustomerMerged(self, e: ev.CustomerMerged, r: RecordedEvent, rows: Rows):
        loser = rows.get(CustomerActivity, e.customer_id)
        if loser is None:
            return
        survivor = rows.get(CustomerActivity, e.into_customer_id)
        if survivor is None:
            survivor = rows.add(
                CustomerActivity(
                    customer_id=e.into_customer_id,
                    first_contact_at=loser.first_contact_at,
                    last_contact_at=loser.last_contact_at,
                )
            )
        else:
            survivor.first_contact_at = min(survivor.first_contact_at, loser.first_contact_at)
            survivor.last_contact_at = max(survivor.last_contact_at, loser.last_contact_at)
        survivor.interactions += loser.interactions
        merged = dict(survivor.by_channel)
        for channel, n in loser.by_channel.items():
            merged[channel] = merged.get(channel, 0) + n
        survivor.by_channel = merged
        rows.changed(survivor)
        rows.delete(loser)
