"""Labels and custom attributes: what administrators defined, what is set, and a change."""

from rest_framework import serializers

from contactcenter.labels.definitions import VALUE_MAX_CHARS
from contactcenter.labels.models import AttributeDefinition


class LabelDefinitionSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="What the API and the console call it: `vip`.")
    title = serializers.CharField(help_text="What agents read.")
    color = serializers.CharField()
    conversation = serializers.BooleanField(help_text="May be put on conversations.")
    customer = serializers.BooleanField(help_text="May be put on customers.")


class AttributeDefinitionSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    subject = serializers.ChoiceField(choices=["conversation", "customer"])
    kind = serializers.ChoiceField(
        choices=AttributeDefinition.Kind.values,
        help_text="A value of `number` is a decimal number, of `date` YYYY-MM-DD, of `yes_no` "
        "yes or no, of `choice` one of `choices`.",
    )
    choices = serializers.ListField(child=serializers.CharField())


class DefinitionsSerializer(serializers.Serializer):
    labels = LabelDefinitionSerializer(many=True, help_text="The active labels.")
    attributes = AttributeDefinitionSerializer(many=True, help_text="The active attributes.")


def _names(help_text: str) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.CharField(max_length=50),
        required=False,
        default=list,
        help_text=help_text,
    )


class LabelChangeSerializer(serializers.Serializer):
    add = _names("Labels to put on it (defined, active ones); already there: nothing happens.")
    remove = _names("Labels to take off it; not there: nothing happens.")
    attributes = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=VALUE_MAX_CHARS),
        required=False,
        default=dict,
        help_text="Key -> value, checked against the attribute's kind; an empty value clears it.",
    )


class LabelsSerializer(serializers.Serializer):
    labels = serializers.ListField(child=serializers.CharField(), help_text="Set now, sorted.")
    attributes = serializers.DictField(child=serializers.CharField(), help_text="Set now.")


class LabelsChangedSerializer(LabelsSerializer):
    changed = serializers.IntegerField(
        help_text="How many changes were recorded (events appended); 0: it already was so."
    )
