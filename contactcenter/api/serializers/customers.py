from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from crm.models import ContactIdentity, Customer


class IdentitySerializer(serializers.ModelSerializer):
    class Meta:
        model = ContactIdentity
        fields = ["kind", "address", "display_name"]


class CustomerSerializer(serializers.ModelSerializer):
    identities = serializers.SerializerMethodField()

    class Meta:
        model = Customer
        fields = ["id", "name", "company", "language", "email", "phone", "created_at", "identities"]

    @extend_schema_field(IdentitySerializer(many=True))
    def get_identities(self, customer: Customer) -> list[dict]:
        identities = self.context.get("identities")
        rows = (
            identities.get(customer.id, [])
            if identities is not None
            else ContactIdentity.objects.filter(customer_id=customer.id)
        )
        return IdentitySerializer(rows, many=True).data
