from rest_framework import serializers

from channels_adapters import base as channel_registry
from contactcenter.api.serializers.common import IdField
from contactcenter.interactions.models import Interaction, TranscriptEntry
from crm.identities import IdentityKind


class InteractionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Interaction
        fields = [
            "id",
            "version",
            "channel",
            "channel_key",
            "direction",
            "state",
            "customer_id",
            "subject",
            "queue_id",
            "priority",
            "agent_id",
            "offer_id",
            "offer_agent_id",
            "created_at",
            "first_queued_at",
            "answered_at",
            "wrap_up_started_at",
            "ended_at",
            "disposition",
            "wrap_up_notes",
            "close_reason",
            "message_count",
            "last_message_at",
            "last_message_preview",
            "transfers",
        ]


class TranscriptEntrySerializer(serializers.ModelSerializer):
    text = serializers.SerializerMethodField(
        help_text="the message or note; for an `activity` line (joined, transferred, …) its "
        "words, and its facts in `channel_data`"
    )

    def get_text(self, entry: TranscriptEntry) -> str:
        if entry.kind == TranscriptEntry.Kind.ACTIVITY:
            from contactcenter.console.state import entry_view

            return entry_view(entry)["text"]
        return entry.text

    class Meta:
        model = TranscriptEntry
        fields = [
            "id",
            "position",
            "occurred_at",
            "kind",
            "author",
            "author_name",
            "text",
            "html",
            "subject",
            "attachments",
            "audience",
            "delivery_status",
            "delivery_detail",
            "external_id",
            "channel_data",
        ]


class ChannelField(serializers.ChoiceField):
    """One of the registered channels (read when the serializer is made, after every
    adapter has registered its channel)."""

    def __init__(self, **kwargs):
        super().__init__(choices=[], **kwargs)

    def bind(self, field_name: str, parent) -> None:
        super().bind(field_name, parent)
        self.choices = channel_registry.choices()


class InteractionQuerySerializer(serializers.Serializer):
    state = serializers.CharField(required=False, help_text="new, queued, active, closed, …")
    queue = IdField(required=False)
    channel = ChannelField(required=False)
    customer = serializers.CharField(required=False)
    agent = IdField(required=False)
    direction = serializers.ChoiceField(choices=["inbound", "outbound"], required=False)
    created_after = serializers.DateTimeField(required=False)
    created_before = serializers.DateTimeField(required=False)


class SendMessageSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=40_000)
    subject = serializers.CharField(required=False, allow_blank=True, max_length=500)
    client_message_id = serializers.CharField(
        required=False,
        max_length=100,
        help_text="Your id for this message: sending it again appends nothing.",
    )


class MessageAcceptedSerializer(serializers.Serializer):
    message_id = serializers.CharField()


class TransferSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["queue", "agent", "supervisor"])
    to_queue = IdField(required=False)
    to_agent = IdField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class WrapUpSerializer(serializers.Serializer):
    disposition = serializers.CharField(max_length=50)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    follow_up_on = serializers.DateField(required=False, allow_null=True)
    call_back_at = serializers.DateTimeField(required=False, allow_null=True)


class CloseSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=["api", "spam", "closed_by_agent"], default="api")


class OfferAnswerSerializer(serializers.Serializer):
    offer_id = serializers.CharField(
        required=False, help_text="The offer you saw; refused if it is no longer the one."
    )
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)


class IdentityInSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[k.value for k in IdentityKind])
    address = serializers.CharField(max_length=255)
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)


class StartOutboundSerializer(serializers.Serializer):
    channel = ChannelField()
    channel_key = serializers.CharField(
        max_length=200, help_text="Which configured channel: an inbox, a number, a Slack team."
    )
    customer_id = serializers.CharField(required=False)
    identity = IdentityInSerializer(
        required=False, help_text="Instead of customer_id: whom, registered if new."
    )
    queue_id = IdField(required=False, allow_null=True)
    subject = serializers.CharField(required=False, allow_blank=True, max_length=500)
    text = serializers.CharField(
        required=False, allow_blank=True, max_length=40_000, help_text="The first message."
    )

    def validate(self, data: dict) -> dict:
        if bool(data.get("customer_id")) == bool(data.get("identity")):
            raise serializers.ValidationError("Give either customer_id or identity.")
        return data
