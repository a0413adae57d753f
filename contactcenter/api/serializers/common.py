from rest_framework import serializers

from routing.models import Disposition

BIGINT = 2**63 - 1  # what the database stores; larger numbers are refused as input


def IdField(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=0, max_value=BIGINT, **kwargs)


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="invalid, conflict, refused, not_found, …")
    detail = serializers.CharField(help_text="The reason, for a person to read.")
    errors = serializers.DictField(required=False, help_text="Per field, for invalid input.")


class DispositionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Disposition
        fields = ["code", "label"]
