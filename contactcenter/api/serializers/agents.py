from rest_framework import serializers


class WorkItemSerializer(serializers.Serializer):
    interaction_id = serializers.CharField()
    channel = serializers.CharField()
    state = serializers.CharField(help_text="offered, active or wrap_up")
    since = serializers.CharField()


class AgentSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The agent's user id.")
    username = serializers.CharField()
    name = serializers.CharField()
    queue_ids = serializers.ListField(child=serializers.IntegerField())
    presence = serializers.CharField(help_text="offline, available or away")
    away_reason = serializers.CharField()
    presence_since = serializers.DateTimeField(allow_null=True)
    activity = serializers.CharField(help_text="idle, busy or wrap_up")
    capacity = serializers.DictField(child=serializers.IntegerField())
    work = WorkItemSerializer(many=True)


class PresenceSerializer(serializers.Serializer):
    presence = serializers.ChoiceField(choices=["offline", "available", "away"])
    reason = serializers.CharField(
        required=False, allow_blank=True, help_text="The away reason code, when going away."
    )
