from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "contactcenter.knowledge"
    label = "knowledge"
    verbose_name = "Knowledge base"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from contactcenter import startup
        from contactcenter.events import store
        from contactcenter.knowledge import search, sentiment

        startup.load_at_start(sentiment.analyser)

        def article_changed(events) -> None:
            # This process searches the new text at once; others within a second.
            if any(e.type in ("ArticlePublished", "ArticleArchived") for e in events):
                search.forget()

        store.on_committed(article_changed)
