"""The demo tenant's labels and custom attributes."""

from contactcenter.labels.models import AttributeDefinition, LabelDefinition

LABELS = [
    ("vip", "VIP", "#7a3e00", True, True),
    ("complaint", "Complaint", "#8a1c1c", True, False),
    ("billing", "Billing", "#1c3fa8", True, False),
]
ATTRIBUTES = [
    ("order_number", "Order number", "conversation", "text", ""),
    ("tier", "Tier", "customer", "choice", "gold, silver, bronze"),
]


def seed(log) -> None:
    for name, title, color, on_conversations, on_customers in LABELS:
        LabelDefinition.objects.get_or_create(
            name=name,
            defaults={
                "title": title,
                "color": color,
                "on_conversations": on_conversations,
                "on_customers": on_customers,
            },
        )
    for key, title, subject, kind, choices in ATTRIBUTES:
        AttributeDefinition.objects.get_or_create(
            key=key, subject=subject, defaults={"title": title, "kind": kind, "choices": choices}
        )
    log(f"labels: {', '.join(label[0] for label in LABELS)}; attributes: order_number, tier")
