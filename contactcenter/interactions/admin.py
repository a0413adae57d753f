from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from contactcenter.events import store
from contactcenter.events.admin import ReadOnlyAdmin, pretty_json
from contactcenter.interactions.domain import stream_id
from contactcenter.interactions.models import Interaction


@admin.register(Interaction)
class InteractionAdmin(ReadOnlyAdmin):
    """Interactions are projections: read them here, change them through commands."""

    list_display = (
        "short_id",
        "channel",
        "state",
        "queue_id",
        "agent_id",
        "subject",
        "created_at",
        "message_count",
    )
    list_filter = ("state", "channel", "direction")
    search_fields = ("=id", "=customer_id", "subject")
    date_hierarchy = "created_at"
    readonly_fields = ("customer_link", "event_stream")
    exclude = ("customer_id",)

    @admin.display(description="id")
    def short_id(self, interaction: Interaction) -> str:
        return interaction.id[:8]

    @admin.display(description="customer")
    def customer_link(self, interaction: Interaction) -> str:
        url = reverse("admin:crm_customer_change", args=[interaction.customer_id])
        return format_html('<a href="{}">{}</a>', url, interaction.customer_id)

    @admin.display(description="event stream")
    def event_stream(self, interaction: Interaction) -> str:
        events = store.read_stream(stream_id(interaction.id))
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    e.version,
                    e.occurred_at.strftime("%Y-%m-%d %H:%M:%S"),
                    e.type,
                    e.actor,
                    pretty_json(e.data),
                )
                for e in events
            ),
        )
        return format_html(
            "<table><tr><th>v</th><th>when</th><th>type</th><th>actor</th><th>data</th></tr>"
            "{}</table>",
            rows,
        )
