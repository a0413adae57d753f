from django.contrib import admin

from contactcenter.labels.models import AttributeDefinition, LabelDefinition


@admin.register(LabelDefinition)
class LabelDefinitionAdmin(admin.ModelAdmin):
    list_display = ("name", "title", "on_conversations", "on_customers", "active")
    list_filter = ("active", "on_conversations", "on_customers")
    search_fields = ("name", "title")


@admin.register(AttributeDefinition)
class AttributeDefinitionAdmin(admin.ModelAdmin):
    list_display = ("key", "title", "subject", "kind", "active")
    list_filter = ("subject", "kind", "active")
    search_fields = ("key", "title")
