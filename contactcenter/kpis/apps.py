from django.apps import AppConfig


class KpisConfig(AppConfig):
    name = "contactcenter.kpis"
    label = "kpis"
    verbose_name = "KPIs"

    def ready(self) -> None:
        from channels_adapters import base
        from contactcenter.events import aggregate

        # A message's billed units are written with it, so the cost per contact survives
        # the erasure of its words (docs/kpis.md, channel units).
        aggregate.stamp_with(base.with_billed_units)
