"""The knowledge base's tables. Categories are configuration (admin); everything else is a
projection of the log (`contactcenter/knowledge/projections.py`), written only by projectors
and rebuilt by `rebuild_projections`."""

from django.db import models


class Category(models.Model):
    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=300, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class Article(models.Model):
    """An article as it reads now (its latest version)."""

    id = models.CharField(max_length=36, primary_key=True)
    slug = models.SlugField(max_length=100, db_index=True)
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown.")
    html = models.TextField(editable=False)  # rendered and sanitised (markdown.to_html)
    summary = models.TextField(editable=False)
    category = models.CharField(max_length=50, blank=True, db_index=True)  # Category.slug
    queue_ids = models.JSONField(default=list, blank=True)
    skills = models.JSONField(default=list, blank=True)
    public = models.BooleanField(default=True)
    archived = models.BooleanField(default=False)
    number = models.PositiveIntegerField(default=1)  # the article's version number
    version = models.PositiveIntegerField(default=0)  # its stream's version
    editor = models.CharField(max_length=150, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class ArticleVersion(models.Model):
    """Every published version, with the embedding computed for it: one unit vector per
    passage (the title, the title with each paragraph), float32, row after row."""

    key = models.CharField(max_length=50, primary_key=True)  # "<article id>:<number>"
    article_id = models.CharField(max_length=36, db_index=True)
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField()
    category = models.CharField(max_length=50, blank=True)
    editor = models.CharField(max_length=150, blank=True)
    published_at = models.DateTimeField()
    model = models.CharField(max_length=60)  # the embedder that computed `vectors`
    passages = models.PositiveIntegerField(default=0)
    vectors = models.BinaryField()

    class Meta:
        ordering = ["article_id", "-number"]

    def __str__(self) -> str:
        return f"{self.title} v{self.number}"


class HelpVisit(models.Model):
    """One visit to the help page or the widget's search: deflection is counted from these."""

    visit_id = models.CharField(max_length=36, primary_key=True)
    source = models.CharField(max_length=20)  # help_page, widget
    channel_key = models.CharField(max_length=100, blank=True)
    started_at = models.DateTimeField(db_index=True)
    searches = models.PositiveIntegerField(default=0)
    viewed = models.JSONField(default=list)  # article ids, in order
    helpful = models.BooleanField(null=True)  # the visitor's word, if given
    escalated = models.BooleanField(default=False)  # started a chat after all

    def __str__(self) -> str:
        return f"{self.source} visit {self.visit_id[:8]}"

    @property
    def deflected(self) -> bool:
        return bool(self.helpful) and not self.escalated


class MessageSentiment(models.Model):
    """The sentiment of one customer message (VADER's compound score, -1..1)."""

    message_id = models.CharField(max_length=200, primary_key=True)
    interaction_id = models.CharField(max_length=36, db_index=True)
    compound = models.FloatField()
    label = models.CharField(max_length=10)  # negative, neutral, positive
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.label} {self.compound:+.2f}"


class ConversationSentiment(models.Model):
    """Where a conversation's mood stands: what the wallboard shows and the alert watches."""

    interaction_id = models.CharField(max_length=36, primary_key=True)
    messages = models.PositiveIntegerField(default=0)
    last = models.FloatField(default=0.0)
    recent = models.JSONField(default=list)  # the last three messages' scores
    trend = models.FloatField(default=0.0)  # their mean
    lowest = models.FloatField(default=0.0)
    negative = models.BooleanField(default=False, db_index=True)
    turned_negative_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.interaction_id[:8]}: {self.last:+.2f}"


class VirtualAgentSession(models.Model):
    """One interaction's conversation with a flow's virtual agent: containment, deflection
    and hand-off reasons are counted from these, per flow."""

    interaction_id = models.CharField(max_length=36, primary_key=True)
    flow = models.CharField(max_length=50, db_index=True)
    started_at = models.DateTimeField()
    questions = models.PositiveIntegerField(default=0)
    answers = models.PositiveIntegerField(default=0)
    clarified = models.BooleanField(default=False)
    articles = models.JSONField(default=list)  # article ids offered, in order
    intent = models.CharField(max_length=200, blank=True)
    outcome = models.CharField(max_length=20, blank=True)  # contained, handed_off, abandoned
    reason = models.CharField(max_length=30, blank=True)  # why it handed off
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.flow} {self.interaction_id[:8]}: {self.outcome or 'open'}"
