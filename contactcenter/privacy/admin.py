"""Admin: erase and export customers (actions on the customer list, each asking for a
confirmation page first), the data keys' state, and the audit page of who viewed, exported or
erased which customer."""

from django.contrib import admin, messages
from django.http import HttpResponse
from django.template.response import TemplateResponse

from contactcenter.events.admin import ReadOnlyAdmin
from contactcenter.interactions.domain import DomainError
from contactcenter.privacy import audit, export
from contactcenter.privacy.erasure import erase_customer
from contactcenter.privacy.models import CustomerAccess, CustomerKey, RetentionPolicy
from crm.models import Customer


@admin.action(description="Erase the selected customers (right to erasure)")
def erase_customers(model_admin, request, queryset):
    if not request.user.has_perm("privacy.erase_customer"):
        model_admin.message_user(request, "You may not erase customers.", messages.ERROR)
        return None
    if request.POST.get("confirmed") != "yes":
        return TemplateResponse(
            request,
            "admin/privacy/confirm_erasure.html",
            {
                **model_admin.admin_site.each_context(request),
                "title": "Erase these customers?",
                "customers": list(queryset),
                "opts": model_admin.model._meta,
            },
        )
    for customer in queryset:
        try:
            erased = erase_customer(customer.pk, requested_by=f"user:{request.user.pk}")
        except DomainError as error:
            model_admin.message_user(request, str(error), messages.WARNING)
            continue
        audit.record(request.user, customer.pk, "erased", "admin")
        model_admin.message_user(request, f"Erased {', '.join(erased)}.", messages.SUCCESS)
    return None


@admin.action(description="Export the selected customer's data (zip)")
def export_customer(model_admin, request, queryset):
    if not request.user.has_perm("privacy.export_customer"):
        model_admin.message_user(request, "You may not export customers.", messages.ERROR)
        return None
    if queryset.count() != 1:
        model_admin.message_user(request, "Export one customer at a time.", messages.WARNING)
        return None
    customer = queryset.get()
    try:
        body = export.zip_bytes(customer.pk)
    except DomainError as error:
        model_admin.message_user(request, str(error), messages.WARNING)
        return None
    audit.record(request.user, customer.pk, "exported", "admin")
    response = HttpResponse(body, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="customer-{customer.pk}.zip"'
    return response


def _install_on_customer_admin() -> None:
    """The actions go on crm's own Customer admin; viewing a customer there is audited."""
    customer_admin = admin.site.get_model_admin(Customer)
    customer_admin.actions = [*(customer_admin.actions or []), erase_customers, export_customer]
    change_view = customer_admin.change_view

    def audited_change_view(request, object_id, form_url="", extra_context=None):
        response = change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and getattr(response, "status_code", 0) == 200:
            audit.record(request.user, object_id, "viewed", "admin")
        return response

    customer_admin.change_view = audited_change_view


_install_on_customer_admin()


@admin.register(CustomerAccess)
class CustomerAccessAdmin(ReadOnlyAdmin):
    list_display = ("at", "username", "action", "customer_id", "via")
    list_filter = ("action", "via")
    search_fields = ("=customer_id", "username")


@admin.register(CustomerKey)
class CustomerKeyAdmin(ReadOnlyAdmin):
    list_display = ("customer_id", "created_at", "erased_at")
    search_fields = ("=customer_id",)
    exclude = ("wrapped",)


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(admin.ModelAdmin):
    list_display = ("kind", "channel", "keep_days")
