from django.apps import AppConfig


class FollowUpsConfig(AppConfig):
    name = "contactcenter.followups"
    label = "followups"
    verbose_name = "Follow-ups"

    def ready(self) -> None:
        from contactcenter.followups import schedule
        from contactcenter.workers import registry

        registry.register(
            "follow-ups",
            lambda **options: schedule.follow_up_loop(),
            description="brings conversations back into routing when their follow-up is due",
        )
