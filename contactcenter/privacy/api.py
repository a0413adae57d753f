"""REST: erase a customer, and export everything about one (docs/api.md, docs/privacy.md).
Each needs the Django permission of its own (privacy.erase_customer, privacy.export_customer);
administrators have both."""

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from contactcenter.privacy import audit, export
from contactcenter.privacy.erasure import AlreadyErased, erase_customer


def _require(request, permission: str) -> None:
    token = request.auth
    if token is not None and hasattr(token, "allows") and not token.allows("privacy"):
        raise PermissionDenied("this API token lacks the privacy scope")
    if not request.user.has_perm(f"privacy.{permission}"):
        raise PermissionDenied(f"you need the privacy.{permission} permission")


def _require_customer(customer_id: str) -> None:
    from crm.models import Customer

    if not Customer.objects.filter(pk=customer_id).exists():
        raise NotFound(f"no customer {customer_id}")


class ErasedSerializer(serializers.Serializer):
    erased = serializers.ListField(child=serializers.CharField())


class EraseCustomer(APIView):
    # Not only agents: a privacy officer may hold the permission without taking contacts.
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: ErasedSerializer}, operation_id="customer_erase")
    def post(self, request, customer_id: str):
        """Right to erasure: destroy the customer's data key; their personal data reads
        "erased" everywhere from now on. 409 when already erased."""
        _require(request, "erase_customer")
        _require_customer(customer_id)
        try:
            erased = erase_customer(customer_id, requested_by=f"api:{request.user.pk}")
        except AlreadyErased as error:
            return Response({"code": "conflict", "detail": str(error)}, status=409)
        audit.record(request.user, customer_id, "erased", "api")
        return Response({"erased": erased})


class ExportCustomer(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={200: OpenApiResponse(description="a zip: customer.json and attachments/")},
        operation_id="customer_export",
    )
    def get(self, request, customer_id: str):
        """Subject access: everything about the customer as JSON, with their attachments,
        in one zip."""
        _require(request, "export_customer")
        _require_customer(customer_id)
        body = export.zip_bytes(customer_id)
        audit.record(request.user, customer_id, "exported", "api")
        response = HttpResponse(body, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="customer-{customer_id}.zip"'
        return response
