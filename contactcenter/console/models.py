from django.db import models


class CannedResponse(models.Model):
    """A reply agents insert with a click or its shortcut. Placeholders such as
    {customer.first_name} are filled in for the conversation at hand."""

    title = models.CharField(max_length=100)
    shortcut = models.SlugField(max_length=30, blank=True, help_text="Typed as /shortcut.")
    text = models.TextField(
        help_text="Placeholders: {customer.name}, {customer.first_name}, {agent.name}, "
        "{agent.first_name}, {interaction.subject}, {queue.name}."
    )
    queues = models.ManyToManyField(
        "routing.Queue", blank=True, help_text="Offered in these queues only (none: all)."
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title
