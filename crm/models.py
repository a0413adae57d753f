"""Customer read models, projected from the customer streams."""

from django.db import models


class Customer(models.Model):
    id = models.CharField(max_length=36, primary_key=True)
    name = models.CharField(max_length=200, blank=True)
    company = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=20, blank=True)
    email = models.CharField(max_length=254, blank=True)  # the first e-mail identity
    phone = models.CharField(max_length=20, blank=True)  # the first phone identity
    merged_into_id = models.CharField(max_length=36, blank=True, db_index=True)
    # When the customer's latest interaction began. Kept inline, in the transaction that
    # creates the interaction: that write is what makes a merge and a new interaction of the
    # same customer conflict, so one of them retries and sees the other (crm/projections.py).
    last_contact_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name or self.email or self.phone or self.id[:8]

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.strip() else ""


class ContactIdentity(models.Model):
    """One way to reach a customer: unique per kind and normalised address."""

    key = models.CharField(max_length=300, primary_key=True)  # "<kind>:<address>"
    customer_id = models.CharField(max_length=36, db_index=True)
    kind = models.CharField(max_length=10)
    address = models.CharField(max_length=255)
    display_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "contact identities"
        ordering = ["kind", "address"]

    def __str__(self) -> str:
        return self.key


class CustomerNote(models.Model):
    id = models.CharField(max_length=36, primary_key=True)
    customer_id = models.CharField(max_length=36, db_index=True)
    author = models.CharField(max_length=100)
    author_name = models.CharField(max_length=200, blank=True)
    text = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.text[:60]


class CustomerActivity(models.Model):
    """When and how often a customer got in touch: a catch-up projection of interactions."""

    customer_id = models.CharField(max_length=36, primary_key=True)
    first_contact_at = models.DateTimeField()
    last_contact_at = models.DateTimeField()
    interactions = models.PositiveIntegerField(default=0)
    by_channel = models.JSONField(default=dict)  # channel -> interactions

    class Meta:
        verbose_name_plural = "customer activity"

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.interactions} interactions"
