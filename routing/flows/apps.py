from django.apps import AppConfig


class FlowsConfig(AppConfig):
    name = "routing.flows"
    label = "flows"
    verbose_name = "Self-service flows"

    def ready(self) -> None:
        from contactcenter.interactions import ingest
        from routing import admission, router
        from routing.flows import runner

        admission.before_queueing(runner.admit)
        router.on_timer("flow_idle", lambda t: runner.give_up(t.interaction_id))
        ingest.on_self_service_message(runner.answer)
        ingest.on_admission(runner.acknowledge)  # after routing's admitter (INSTALLED_APPS)
