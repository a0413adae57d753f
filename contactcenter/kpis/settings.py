"""The KPI knobs, from Django settings (environment: see README). Changing one changes what
the projection counts from then on; `rebuild_projections kpis` applies it to all history."""

from django.conf import settings

from channels_adapters import base as channel_registry


def is_async(channel: str) -> bool:
    """Answered later rather than now (mail, texts): the channel registry's non-realtime
    channels, whose KPIs count time to first response."""
    return not channel_registry.capabilities(channel).realtime


# A queue's threshold for events written before InteractionQueued carried it: the Queue default.
FALLBACK_SL_THRESHOLD_SECONDS = 20


def short_abandon_ms() -> int:
    """Abandons after waiting less than this are "short" (a misdial, a customer who changed
    their mind): the short-abandons-excluded variants leave them out."""
    return int(getattr(settings, "KPI_SHORT_ABANDON_SECONDS", 5)) * 1000


def fcr_window_ms() -> int:
    """A resolved contact is resolved first time if its customer does not come back within
    this window."""
    return int(getattr(settings, "KPI_FCR_WINDOW_HOURS", 72)) * 3600 * 1000


def unit_cost_micros(channel: str) -> int:
    """What one billed unit of `channel` costs (COST_PER_CHANNEL_UNIT), in millionths: the
    projection counts costs as integers, so facts add up exactly."""
    rates = getattr(settings, "COST_PER_CHANNEL_UNIT", {}) or {}
    return round(float(rates.get(channel, 0)) * 1_000_000)


def agent_hour_cost() -> float:
    """What an agent's hour of handling (conversation and wrap-up) costs: COST_PER_AGENT_HOUR."""
    return float(getattr(settings, "COST_PER_AGENT_HOUR", 0) or 0)


def currency() -> str:
    return str(getattr(settings, "COST_CURRENCY", "USD"))
