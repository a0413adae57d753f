from django.apps import AppConfig


class WorkersConfig(AppConfig):
    name = "contactcenter.workers"
    label = "workers"
    verbose_name = "Background workers"

    def ready(self) -> None:
        from contactcenter.csat.surveys import survey_loop
        from contactcenter.outbox import outbox_loop
        from contactcenter.workers import registry
        from contactcenter.workers.follower import projection_follower

        registry.register(
            "projections",
            lambda **options: projection_follower(),
            description="catch-up projections (KPIs, customer activity) follow the log",
        )
        registry.register(
            "outbox",
            lambda **options: outbox_loop(),
            description="delivers outbound messages through the channel adapters",
        )
        registry.register(
            "csat-surveys",
            lambda **options: survey_loop(),
            description="asks for a satisfaction rating when an agent's conversation closes",
        )
