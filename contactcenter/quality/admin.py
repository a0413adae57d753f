from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from contactcenter.quality.models import Criterion, SamplingRule, Scorecard, Section


class CriteriaFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if not kept:
            raise ValidationError("A section needs at least one criterion.")
        if not any(c.get("weight", 0) > 0 or c.get("auto_fail") for c in kept):
            raise ValidationError("At least one criterion needs a weight above 0.")


class CriterionInline(admin.TabularInline):
    model = Criterion
    formset = CriteriaFormSet
    extra = 1
    fields = (
        "order",
        "text",
        "weight",
        "max_points",
        "auto_fail",
        "allow_na",
        "automatic",
        "guidance",
    )


class SectionsFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        kept = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if self.instance.active and not kept:
            raise ValidationError("An active scorecard needs at least one section.")


class SectionInline(admin.TabularInline):
    model = Section
    formset = SectionsFormSet
    extra = 1
    fields = ("order", "title", "weight", "edit_criteria")
    readonly_fields = ("edit_criteria",)

    @admin.display(description="criteria")
    def edit_criteria(self, section: Section) -> str:
        if section.pk is None:
            return "save first"
        url = reverse("admin:quality_section_change", args=[section.pk])
        return format_html('<a href="{}">{} criteria</a>', url, section.criteria.count())


@admin.register(Scorecard)
class ScorecardAdmin(admin.ModelAdmin):
    list_display = ("name", "active", "pass_mark", "status")
    inlines = [SectionInline]
    readonly_fields = ("status", "outline")

    @admin.display(description="ready to score")
    def status(self, scorecard: Scorecard) -> str:
        if scorecard.pk is None:
            return "add sections and criteria"
        problems = scorecard.problems()
        return "yes" if not problems else "no: " + "; ".join(problems)

    @admin.display(description="criteria")
    def outline(self, scorecard: Scorecard) -> str:
        if scorecard.pk is None:
            return ""
        rows = [
            (s.title, s.weight, c.text, c.weight, " (auto-fail)" if c.auto_fail else "")
            for s in scorecard.sections.prefetch_related("criteria")
            for c in s.criteria.all()
        ]
        return format_html(
            "<ul>{}</ul>",
            format_html_join("", "<li>{} (weight {}): {} (weight {}){}</li>", rows),
        )


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ("title", "scorecard", "weight", "order")
    list_filter = ("scorecard",)
    inlines = [CriterionInline]


@admin.register(SamplingRule)
class SamplingRuleAdmin(admin.ModelAdmin):
    """Which interactions QA scores (docs/quality.md): run from the QA page or daily by
    `manage.py sample_for_qa`."""

    list_display = ["name", "kind", "per_agent", "period_days", "scorecard", "active"]
    list_filter = ["kind", "active"]
    fieldsets = [
        (None, {"fields": ["name", "kind", "scorecard", "active"]}),
        ("How many", {"fields": [("per_agent", "period_days")]}),
        (
            "What the kind looks at",
            {
                "fields": [
                    "csat_at_most",
                    "handle_minutes_at_least",
                    "sentiment_below",
                    "keyword",
                ]
            },
        ),
    ]
