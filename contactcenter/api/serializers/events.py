from rest_framework import serializers

from contactcenter.api.serializers.common import BIGINT


class EventSerializer(serializers.Serializer):
    """One event of the log, as stored (docs/events.md lists every type and field)."""

    position = serializers.IntegerField()
    stream_id = serializers.CharField()
    version = serializers.IntegerField()
    type = serializers.CharField()
    data = serializers.DictField()
    metadata = serializers.DictField()
    occurred_at = serializers.DateTimeField()
    recorded_at = serializers.DateTimeField(allow_null=True)


class FeedPageSerializer(serializers.Serializer):
    events = EventSerializer(many=True)
    next_after = serializers.IntegerField(
        help_text="Pass as `after` for the next page (the last event's position, or your "
        "`after` when nothing new came)."
    )
    has_more = serializers.BooleanField(help_text="More events are ready right now.")


class FeedQuerySerializer(serializers.Serializer):
    after = serializers.IntegerField(
        min_value=0,
        max_value=BIGINT,
        default=0,
        help_text="Position of the last event you handled (0: start).",
    )
    limit = serializers.IntegerField(min_value=1, max_value=1000, default=100)
    type = serializers.CharField(
        required=False, help_text="Only these event types, comma-separated."
    )
    stream = serializers.CharField(
        required=False, help_text="Only these streams, comma-separated (interaction-<id>, …)."
    )
    wait = serializers.FloatField(
        min_value=0,
        max_value=30,
        default=0,
        help_text="Long-poll: with nothing new, wait up to this many seconds for it.",
    )

    def split(self, name: str) -> list[str]:
        value = self.validated_data.get(name) or ""
        return [part.strip() for part in value.split(",") if part.strip()]
