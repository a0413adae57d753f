from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html_join

from contactcenter.events.admin import ReadOnlyAdmin
from contactcenter.events.context import acting_as
from contactcenter.interactions.domain import DomainError
from crm import customers
from crm.models import ContactIdentity, Customer, CustomerActivity
from crm.timeline import customer_timeline


class MergeForm(forms.Form):
    into = forms.CharField(label="Merge into customer id", max_length=36)

    def clean_into(self):
        into = self.cleaned_data["into"].strip()
        if not Customer.objects.filter(pk=into, merged_into_id="").exists():
            raise forms.ValidationError("No such customer (or it was merged away itself).")
        return into


@admin.register(Customer)
class CustomerAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "email", "phone", "company", "created_at", "merged_into_id")
    search_fields = ("name", "email", "phone", "=id")
    readonly_fields = ("identities", "activity", "timeline")

    @admin.display(description="identities")
    def identities(self, customer: Customer) -> str:
        rows = ContactIdentity.objects.filter(customer_id=customer.id)
        return (
            format_html_join(
                "",
                "<div>{} <code>{}</code> {}</div>",
                ((i.kind, i.address, i.display_name) for i in rows),
            )
            or "none"
        )

    @admin.display(description="activity")
    def activity(self, customer: Customer) -> str:
        a = CustomerActivity.objects.filter(pk=customer.id).first()
        if a is None:
            return "no interactions yet"
        return f"{a.interactions} interactions, last {a.last_contact_at:%Y-%m-%d %H:%M}"

    @admin.display(description="timeline (from the event log)")
    def timeline(self, customer: Customer) -> str:
        entries = customer_timeline(customer.id)
        return (
            format_html_join(
                "",
                '<div><a href="{}">{}</a> {} {} · {} · {} messages · {}</div>',
                (
                    (
                        reverse("admin:interactions_interaction_change", args=[t.interaction_id]),
                        t.started_at.strftime("%Y-%m-%d %H:%M"),
                        t.channel,
                        t.direction,
                        t.state,
                        t.messages,
                        t.disposition or t.summary,
                    )
                    for t in entries
                ),
            )
            or "none"
        )

    def get_urls(self):
        return [
            path(
                "<str:customer_id>/merge/",
                self.admin_site.admin_view(self.merge_view),
                name="crm_customer_merge",
            ),
            *super().get_urls(),
        ]

    def merge_view(self, request, customer_id: str):
        if not request.user.has_perm("crm.change_customer"):
            return redirect("admin:index")
        form = MergeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                with acting_as(f"admin:{request.user.pk}"):
                    customers.merge(customer_id, form.cleaned_data["into"])
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "Merged.")
                return redirect("admin:crm_customer_change", form.cleaned_data["into"])
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "customer_id": customer_id,
            "title": "Merge customer",
        }
        return TemplateResponse(request, "admin/crm/merge.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "merge_url": reverse("admin:crm_customer_merge", args=[object_id]),
        }
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(ContactIdentity)
class ContactIdentityAdmin(ReadOnlyAdmin):
    list_display = ("kind", "address", "display_name", "customer_id", "created_at")
    list_filter = ("kind",)
    search_fields = ("address", "=customer_id")
