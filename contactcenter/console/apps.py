from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "contactcenter.console"
    label = "console"
    verbose_name = "Agent console"

    def ready(self) -> None:
        from contactcenter import push
        from contactcenter.console import state

        push.add_detail(state.pushed_line)
        push.add_detail(state.whisper_for)
