from rest_framework import serializers


class QueueStatsSerializer(serializers.Serializer):
    waiting = serializers.IntegerField(help_text="Queued or being offered now.")
    longest_wait_seconds = serializers.FloatField(help_text="Of those waiting now (0: none).")
    agents_logged_in = serializers.IntegerField(help_text="Members not offline.")
    agents_available = serializers.IntegerField(help_text="Available and with no work.")
    agents_busy = serializers.IntegerField(help_text="With an offer, a conversation or wrap-up.")
    agents_away = serializers.IntegerField()


class QueueSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    channels = serializers.ListField(child=serializers.CharField())
    priority = serializers.IntegerField()
    strategy = serializers.CharField()
    sl_threshold_seconds = serializers.IntegerField()
    sl_target_percent = serializers.IntegerField()
    is_open = serializers.BooleanField()
    stats = QueueStatsSerializer()
