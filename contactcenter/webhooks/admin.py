from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from contactcenter.events import store
from contactcenter.webhooks.delivery import replay
from contactcenter.webhooks.models import WebhookSubscription


class ReplayForm(forms.Form):
    after_position = forms.IntegerField(
        min_value=0,
        help_text="Deliver every wanted event after this position again (0: the whole log).",
    )


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "url",
        "paused",
        "position",
        "delivered",
        "consecutive_failures",
        "last_error",
        "last_delivered_at",
    )
    list_filter = ("paused",)
    actions = ["pause", "resume"]
    readonly_fields = (
        "delivered",
        "consecutive_failures",
        "next_attempt_at",
        "last_error",
        "last_error_at",
        "last_delivered_at",
        "paused_reason",
        "replay_link",
    )

    def get_changeform_initial_data(self, request):
        # A new subscription starts at the end of the log; replay reaches back on purpose.
        return {**super().get_changeform_initial_data(request), "position": store.last_position()}

    @admin.display(description="replay")
    def replay_link(self, subscription: WebhookSubscription) -> str:
        if not subscription.pk:
            return "-"
        url = reverse("admin:webhooks_webhooksubscription_replay", args=[subscription.pk])
        return format_html('<a href="{}">Replay from a position…</a>', url)

    @admin.action(description="Pause the selected subscriptions")
    def pause(self, request, queryset) -> None:
        queryset.update(paused=True, paused_reason="paused by hand")

    @admin.action(description="Resume the selected subscriptions (retry at once)")
    def resume(self, request, queryset) -> None:
        queryset.update(
            paused=False, paused_reason="", consecutive_failures=0, next_attempt_at=None
        )

    def get_urls(self):
        view = self.admin_site.admin_view(self.replay_view)
        return [
            path("<int:pk>/replay/", view, name="webhooks_webhooksubscription_replay"),
            *super().get_urls(),
        ]

    def replay_view(self, request, pk: int):
        subscription = get_object_or_404(WebhookSubscription, pk=pk)
        if not self.has_change_permission(request, subscription):
            return HttpResponseRedirect(reverse("admin:index"))
        form = ReplayForm(request.POST or None, initial={"after_position": subscription.position})
        if request.method == "POST" and form.is_valid():
            try:
                replay(subscription, form.cleaned_data["after_position"])
            except store.UnknownPosition as error:
                form.add_error("after_position", str(error))
            else:
                self.message_user(request, f"{subscription} replays from there.", messages.SUCCESS)
                change = reverse("admin:webhooks_webhooksubscription_change", args=[pk])
                return HttpResponseRedirect(change)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Replay {subscription}",
            "form": form,
            "subscription": subscription,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/webhooks/replay.html", context)
