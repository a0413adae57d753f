from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "routing"

    def ready(self) -> None:
        from contactcenter import roles
        from contactcenter.interactions import ingest
        from contactcenter.workers import registry
        from routing import admission, consoles, router

        ingest.on_admission(admission.admit)
        roles.counts_as_agent(_has_agent_profile)
        router.on_timer("disconnect_grace", lambda t: consoles.end_grace(t.data["agent_id"]))
        registry.register(
            "consoles",
            lambda **options: consoles.sweeper(),
            description="drops the agents' consoles of server processes that stopped renewing",
        )
        registry.register(
            "router",
            router.router_service,
            description="offers waiting work to agents; fires timers, overflows, hours changes",
        )

        # Configuration edited anywhere bumps its generation: this process reads it again at
        # once, others within seconds (routing/config.py).
        from django.contrib.auth.models import Group, User
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from routing import config, models

        for model in (
            models.Queue,
            models.QueueSkill,
            models.OverflowStep,
            models.AgentProfile,
            models.AgentCapacity,
            models.AgentSkill,
            models.BusinessCalendar,
            models.OpeningHours,
            models.Holiday,
            models.Disposition,
            models.Skill,
            models.EntryPoint,
            models.Team,
            Group,
        ):
            post_save.connect(config.invalidate_on_change, sender=model, weak=False)
            post_delete.connect(config.invalidate_on_change, sender=model, weak=False)
        # A user's name, activity and superuser flag are in the snapshot; a login's
        # last_login is not.
        post_save.connect(_user_saved, sender=User, weak=False)
        post_delete.connect(config.invalidate_on_change, sender=User, weak=False)
        for through in (
            models.Queue.dispositions.through,
            models.AgentProfile.queues.through,
            User.groups.through,  # who is a supervisor
            models.Team.members.through,  # whom a team lead supervises (roles below)
            models.Team.leads.through,
        ):
            m2m_changed.connect(config.invalidate_on_change, sender=through, weak=False)
        # Who someone is (groups, team, queues) is read with the configuration's snapshot:
        # every change of those bumps its generation, and a snapshot is read anew at least
        # every MAX_AGE_SECONDS (changes behind the ORM's back).
        roles.take_people_from(lambda: config.current().people)


def _user_saved(sender, update_fields=None, **kwargs) -> None:
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    from routing import config

    config.invalidate_on_change(sender, **kwargs)


def _has_agent_profile(user) -> bool:
    from routing import config
    from routing.models import AgentProfile

    known = config.current().people.has_agent_profile(user.pk)
    if known is None:  # made since the snapshot was read
        return AgentProfile.objects.filter(user_id=user.pk).exists()
    return known
