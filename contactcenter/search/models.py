from django.db import models


class SearchDocument(models.Model):
    """One searchable text: a message (with its subject), a note, a customer (name, company,
    addresses) or a note about a customer. A projection of the log, keyed by what it is made
    from. The index itself is the database's: on PostgreSQL a `tsv` column a trigger computes
    from `title` and `body` in the row's `language`, under a GIN index; on SQLite an FTS5
    table the same triggers keep (migrations/0002)."""

    class Kind(models.TextChoices):
        MESSAGE = "message"
        NOTE = "note"
        CUSTOMER = "customer"
        CUSTOMER_NOTE = "customer_note"

    id = models.CharField(max_length=80, primary_key=True)  # "<kind>:<source id>"
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # A reference for joins only (search joins it to check who may see the text): no
    # constraint, since a customer's card refers to none (""). `null=True` in Django's eyes
    # only (the column holds "" there), so the join is an outer one and cards are kept.
    interaction = models.ForeignKey(
        "interactions.Interaction",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        blank=True,
        null=True,
    )
    customer_id = models.CharField(max_length=36, blank=True, db_index=True)
    title = models.CharField(max_length=500, blank=True)
    body = models.TextField(blank=True)
    occurred_at = models.DateTimeField(db_index=True)  # newest first, a LIMIT away
    language = models.CharField(max_length=30, default="english")  # a text-search configuration

    def __str__(self) -> str:
        return self.id
