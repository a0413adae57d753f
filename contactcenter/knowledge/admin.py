"""Knowledge base in Django admin. Categories are plain configuration. Articles are edited
through a form whose save publishes a new version (the `publish_article` command: an event
on the article's stream); nothing writes the projection's rows directly, and nothing is
deleted: an article is archived, and every version stays readable below the form."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.html import format_html_join

from contactcenter.events.context import acting_as
from contactcenter.interactions.domain import DomainError
from contactcenter.knowledge import commands
from contactcenter.knowledge.domain import Draft
from contactcenter.knowledge.models import Article, ArticleVersion, Category
from routing.models import Queue, Skill


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "position")
    prepopulated_fields = {"slug": ("name",)}


class ArticleForm(forms.ModelForm):
    category = forms.ChoiceField(required=False)
    queues = forms.ModelMultipleChoiceField(
        Queue.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Offered to agents, the virtual agent and customers of these queues only "
        "(none: every queue).",
    )
    skills_text = forms.CharField(
        label="Skills",
        required=False,
        help_text="Comma-separated skill names: only for work that needs one of them (empty: any).",
    )

    class Meta:
        model = Article
        fields = ("title", "slug", "category", "body", "public")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "—")] + [
            (c.slug, c.name) for c in Category.objects.all()
        ]
        if self.instance.pk:
            self.initial["queues"] = Queue.objects.filter(pk__in=self.instance.queue_ids)
            self.initial["skills_text"] = ", ".join(self.instance.skills)

    def clean_skills_text(self) -> list[str]:
        names = [s.strip() for s in self.cleaned_data["skills_text"].split(",") if s.strip()]
        unknown = set(names) - set(
            Skill.objects.filter(name__in=names).values_list("name", flat=True)
        )
        if unknown:
            raise ValidationError(f"no such skill: {', '.join(sorted(unknown))}")
        return names

    def validate_unique(self) -> None:
        """The aggregate decides (a slug may be reused once its article is archived)."""

    def clean(self) -> dict:
        """Ask the aggregate now, so a refusal is the form's error, in its words."""
        data = super().clean()
        if self.errors:
            return data
        try:
            commands.decide_publish(self.instance.pk or None, self.draft())
        except DomainError as refused:
            raise ValidationError(str(refused)) from refused
        return data

    def draft(self) -> Draft:
        data = self.cleaned_data
        return Draft(
            slug=data["slug"],
            title=data["title"],
            body=data["body"],
            category=data.get("category") or "",
            queue_ids=tuple(q.pk for q in data.get("queues") or ()),
            skills=tuple(data.get("skills_text") or ()),
            public=data.get("public", True),
        )


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleForm
    list_display = ("title", "category", "public", "archived", "number", "editor", "updated_at")
    list_filter = ("category", "public", "archived")
    search_fields = ("title", "body")
    readonly_fields = ("number", "editor", "updated_at", "versions")
    fields = (
        "title", "slug", "category", "body", "queues", "skills_text", "public",
        "number", "editor", "updated_at", "versions",
    )  # fmt: skip
    actions = ["archive"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # versions are events: archive instead

    def save_model(self, request, obj, form, change) -> None:
        with acting_as(f"admin:{request.user.pk}"):
            obj.pk = commands.publish_article(
                obj.pk if change else None, form.draft(), editor=request.user.get_username()
            )
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change) -> None:
        """Queues and skills are part of the version, published in save_model."""

    @admin.display(description="Versions")
    def versions(self, obj: Article) -> str:
        if not obj.pk:
            return "—"
        rows = ArticleVersion.objects.filter(article_id=obj.pk).order_by("-number")
        return format_html_join(
            "\n",
            "<p>v{} · {} · {} · {}</p>",
            (
                (v.number, v.published_at.strftime("%Y-%m-%d %H:%M"), v.editor or "—", v.title)
                for v in rows
            ),
        )

    @admin.action(description="Archive the selected articles")
    def archive(self, request, queryset) -> None:
        done = 0
        for article in queryset.filter(archived=False):
            with acting_as(f"admin:{request.user.pk}"):
                commands.archive_article(article.pk, editor=request.user.get_username())
            done += 1
        self.message_user(request, f"{done} archived.")
