from django.contrib import admin

from channels_adapters.webchat.models import WebChatChannel, WebChatTopic


class TopicInline(admin.TabularInline):
    model = WebChatTopic
    extra = 0


@admin.register(WebChatChannel)
class WebChatChannelAdmin(admin.ModelAdmin):
    list_display = ("name", "key", "title", "grace_seconds", "messages_per_minute")
    inlines = [TopicInline]
    readonly_fields = ("embed_code",)

    @admin.display(description="embed code")
    def embed_code(self, chat: WebChatChannel) -> str:
        from django.conf import settings

        if not chat.pk:
            return "save first"
        return (
            f'<script src="{settings.PUBLIC_URL}/widget.js" data-channel="{chat.key}" '
            "async></script>"
        )
