"""Who may open which interaction and whom one supervises: an agent their queues' work and
what they hold; a team lead that, plus their teams' agents and their work; a QA specialist
every interaction (to score it); a supervisor everything. A customer is visible through the
interactions one may open, never on their own. The console, the API, the wallboard, QA,
reports and attachment downloads all ask here (docs/security.md)."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Model, Q, QuerySet

from contactcenter.events import row_statements
from contactcenter.interactions.models import Interaction
from contactcenter.roles import is_qa_specialist, is_supervisor, remembered, role_required

User = AbstractBaseUser | AnonymousUser


def supervised_agents(user: User) -> frozenset[int] | None:
    """The agents `user` supervises: None for all of them (a supervisor), the members of the
    teams they lead (a team lead), none for anyone else."""
    if not user.is_authenticated:
        return frozenset()
    if is_supervisor(user):
        return None
    from routing.models import Team

    def members() -> frozenset[int]:
        team = Team.members.through.objects.filter(team__leads=user.pk)
        return frozenset(team.values_list("user_id", flat=True))

    return remembered("team", user.pk, members)


def is_team_lead(user: User) -> bool:
    from routing.models import Team

    return user.is_authenticated and Team.objects.filter(leads=user.pk).exists()


def may_supervise(user: User) -> bool:
    """The wallboard, monitoring and reports: supervisors, and team leads for their teams."""
    return is_supervisor(user) or is_team_lead(user)


def may_score(user: User) -> bool:
    """The QA pages: supervisors, team leads (their teams' work) and QA specialists."""
    return may_supervise(user) or is_qa_specialist(user)


def scored_agents(user: User) -> frozenset[int] | None:
    """Whose work `user` may score and read evaluations of: None for everyone."""
    if is_qa_specialist(user):
        return None
    return supervised_agents(user)


def supervises_work(user: User, interaction_id: str) -> bool:
    """Live supervision of an interaction (listening in): supervisors, and the lead of the
    team of the agent holding it. The actions layer asks the same (Actor.require_supervising)."""
    team = supervised_agents(user)
    if team is None:
        return True
    holder = Interaction.objects.filter(pk=interaction_id).values_list("agent_id", flat=True)
    return bool(team) and holder.first() in team


def may_hear(user: User, agents: set[int]) -> bool:
    """A call's recordings: the agents who took it, supervisors and QA specialists, and the
    leads of those agents' teams."""
    if user.pk in agents:
        return True
    scope = scored_agents(user)
    return scope is None or bool(scope & agents)


def _agent_or_scorer(user: User) -> bool:
    from contactcenter.roles import is_agent

    return is_agent(user) or may_score(user)


supervising_required = role_required(may_supervise, "supervisors and team leads only")
scoring_required = role_required(may_score, "supervisors, team leads and QA specialists only")
agent_or_scorer_required = role_required(_agent_or_scorer, "This account is not an agent.")

ENDED = ("closed", "abandoned")


def agent_queue_ids(user: User) -> set[int]:
    from routing.models import AgentProfile

    def memberships() -> frozenset[int]:  # no profile, no queues
        queues = AgentProfile.queues.through.objects.filter(agentprofile__user_id=user.pk)
        return frozenset(queues.values_list("queue_id", flat=True))

    return set(remembered("queues", user.pk, memberships))


def reads_whispers(user: AbstractBaseUser, agent_id: int | None) -> bool:
    """A supervisor's whisper (a note of audience "agent") is for the agent handling the
    conversation (`agent_id`) and supervisors: not for a colleague who may open it, nor for
    an agent it is only offered to, who reads it once they take it."""
    return is_supervisor(user) or (agent_id is not None and agent_id == user.pk)


def is_whisper(event_type: str, data: dict) -> bool:
    return event_type == "InternalNoteAdded" and data.get("audience") == "agent"


def whisper_unread(data: dict) -> dict:
    """A whisper's event data for one who may not read it: that there is one, not what it
    says (a console counts it, to ask for it once its agent takes the chat)."""
    return {key: data[key] for key in ("interaction_id", "note_id", "audience") if key in data}


def visible_interactions(user: User) -> QuerySet[Interaction]:
    if not user.is_authenticated:
        return Interaction.objects.none()
    rule = visibility_rule(user)
    return Interaction.objects.all() if rule is None else Interaction.objects.filter(rule)


def visibility_rule(user: User, via: str = "") -> Q | None:
    """What `user` may open, as a condition on interactions (None: everything), reached
    through `via` ("interaction__" from a row that refers to one), so that a query can join
    instead of listing every visible interaction (search does)."""
    if sees_every_interaction(user):
        return None
    rule = agent_rule(user, via)
    if team := supervised_agents(user):
        rule |= team_rule(team, via)
    return rule


def sees_every_interaction(user: User) -> bool:
    return is_supervisor(user) or is_qa_specialist(user)


def team_rule(team: frozenset[int], via: str = "") -> Q:
    """A team lead's view beyond their own: what their team's agents hold, are offered or
    last handled."""
    return (
        Q(**{f"{via}agent_id__in": team})
        | Q(**{f"{via}offer_agent_id__in": team})
        | Q(**{f"{via}last_agent_id__in": team})
    )


def agent_rule(user: User, via: str = "", queues: set[int] | None = None) -> Q:
    """What a (non-supervisor) agent may open, as a condition on interactions, reached through
    `via` ("interaction__" from a row that refers to one), so a query can join instead of
    listing every visible interaction (search does)."""
    return (
        Q(**{f"{via}queue_id__in": agent_queue_ids(user) if queues is None else queues})
        | Q(**{f"{via}agent_id": user.pk})
        | Q(**{f"{via}offer_agent_id": user.pk})
        # What one handled stays readable once it ended; handed off live to a queue not
        # one's own, it is someone else's conversation.
        | Q(**{f"{via}last_agent_id": user.pk, f"{via}state__in": ENDED})
    )


def may_open(user: User, row: Interaction) -> bool:
    """`visibility_rule` asked of one row in hand. Opening one interaction reads its row by
    key and asks this, rather than the database with the rule compiled into the query (which
    cost a third of an accept's CPU: issue 18). The two are one rule:
    tests/security/test_visibility_rule.py holds them to the same answer for every person of
    the matrix and every way a row can stand."""
    if not user.is_authenticated:
        return False
    if sees_every_interaction(user):
        return True
    if (
        row.queue_id in agent_queue_ids(user)
        or row.agent_id == user.pk
        or row.offer_agent_id == user.pk
        or (row.last_agent_id == user.pk and row.state in ENDED)
    ):
        return True
    team = supervised_agents(user) or frozenset()
    return bool(team & {row.agent_id, row.offer_agent_id, row.last_agent_id})


def opened(user: User, interaction_id: str) -> Interaction | None:
    """The interaction's row, if `user` may open it."""
    row = row_statements.get(Interaction, interaction_id)
    return row if row is not None and may_open(user, row) else None


def opened_with[M: Model](
    user: User, interaction_id: str, field: str, model: type[M]
) -> tuple[Interaction | None, M | None]:
    """`opened`, with the row of `model` that the interaction's `field` names, read in the
    same statement (None where there is none, or where `user` may not open it)."""
    row, named = row_statements.referenced(Interaction, interaction_id, field, model)
    return (row, named) if row is not None and may_open(user, row) else (None, None)


def can_open(user: User, interaction_id: str) -> bool:
    return opened(user, interaction_id) is not None


def can_see_customer(user: User, customer_id: str) -> bool:
    """Through work one may open: the customer's interactions, or those of a duplicate merged
    into them."""
    from crm.timeline import customer_ids

    if sees_every_interaction(user):
        return True
    mine = visible_interactions(user).filter(customer_id__in=customer_ids(customer_id))
    return mine.exists()


def may_start_in(user: User, queue_id: int | None) -> bool:
    """Work an agent starts goes into one of their queues (or none: then only they hold it)."""
    return queue_id is None or is_supervisor(user) or queue_id in agent_queue_ids(user)
