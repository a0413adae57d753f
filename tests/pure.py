"""Our modules that import with no Django settings and read nothing from the environment as
they load: the domain's decisions (the layering's promise, issue 15.5) and the event types.
tests/test_layering.py imports each decision in a clean interpreter, and all of them together
as the zygote (tests/zygote.py) does, which loads them once for every server it forks."""

DECISIONS = (
    "contactcenter.interactions.domain",
    "contactcenter.interactions.activity",
    "routing.matching",
    "routing.calendars",
    "routing.erlang",
    "routing.simulator",
    "routing.flows.engine",
    "routing.flows.virtual_agent",
    "contactcenter.knowledge.domain",
    "contactcenter.knowledge.ranking",
    "contactcenter.knowledge.sentiment",
    "contactcenter.quality.scoring",
    "routing.virtual_clock",
    "outbound.pacing",
    "outbound.eligibility",
    "outbound.simulator",
    "outbound.blending",
    "outbound.dialling",
    "outbound.address_zone",
    "wfm.erlang_a",
    "wfm.requirements",
    "wfm.forecasting",
    "wfm.scheduling",
    "wfm.adherence",
    "wfm.schedule_domain",
)

# Hundreds of frozen dataclasses: making them is a fifth of a server's start.
EVENT_TYPES = (
    "channels_adapters.slack.events",
    "channels_adapters.sms.events",
    "channels_adapters.voice.events",
    "contactcenter.followups.events",
    "contactcenter.interactions.events",
    "contactcenter.knowledge.events",
    "contactcenter.labels.events",
    "contactcenter.privacy.events",
    "contactcenter.quality.events",
    "contactcenter.scripts.events",
    "contactcenter.supervisor.events",
    "crm.events",
    "outbound.events",
    "routing.events",
    "routing.flows.events",
    "wfm.events",
)

PURE = DECISIONS + EVENT_TYPES
