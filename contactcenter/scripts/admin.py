"""Guided scripts in Django admin: a script is refused on save if a step leads nowhere."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from contactcenter.scripts.models import Script, ScriptStep, parse_options


class StepFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        rows = [
            f.cleaned_data
            for f in self.forms
            if getattr(f, "cleaned_data", None) and not f.cleaned_data.get("DELETE")
        ]
        ids = {r["step_id"] for r in rows}
        problems = []
        for row in rows:
            try:
                targets = [o.next for o in parse_options(row.get("options", ""))]
            except ValidationError as error:
                problems.append(f"step {row['step_id']!r}: {'; '.join(error.messages)}")
                continue
            targets += [row["next_step"]] if row.get("next_step") else []
            problems += [
                f"step {row['step_id']!r} leads to {t!r}, which is missing"
                for t in targets
                if t not in ids
            ]
        if problems:
            raise ValidationError(problems)


class StepInline(admin.StackedInline):
    model = ScriptStep
    formset = StepFormSet
    extra = 1
    fields = [("step_id", "position", "required"), "text", "options", "next_step"]


@admin.register(Script)
class ScriptAdmin(admin.ModelAdmin):
    list_display = ["name", "active"]
    filter_horizontal = ["queues"]
    inlines = [StepInline]
