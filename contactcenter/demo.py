"""The demo tenant's people: an admin, a supervisor, a team lead (of the Front line team:
agents 1 to 3), a QA specialist and six agents (see README)."""

from django.contrib.auth.models import Group, User

from contactcenter.roles import AGENTS, QA_SPECIALISTS, SUPERVISORS

PASSWORD = "contact-center"
AGENT_NAMES = ["Alice Archer", "Bob Baker", "Carol Chen", "Dan Diaz", "Erin Evans", "Femi Falana"]


def _user(username: str, full_name: str, *, staff: bool = False, superuser: bool = False) -> User:
    first, _, last = full_name.partition(" ")
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "email": f"{username}@example.com",
            "is_staff": staff,
            "is_superuser": superuser,
        },
    )
    if created:
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    return user


def seed(log) -> None:
    agents, _ = Group.objects.get_or_create(name=AGENTS)
    supervisors, _ = Group.objects.get_or_create(name=SUPERVISORS)
    _user("admin", "Ada Admin", staff=True, superuser=True)
    supervisor = _user("supervisor", "Sam Supervisor", staff=True)
    supervisor.groups.add(supervisors, agents)
    people = [_user(f"agent{n}", name) for n, name in enumerate(AGENT_NAMES, start=1)]
    for agent in people:
        agent.groups.add(agents)
    _user("qa", "Quinn Quality").groups.add(Group.objects.get_or_create(name=QA_SPECIALISTS)[0])
    _team(lead=_user("teamlead", "Tara Lead"), members=people[:3])
    log(
        f"people: admin, supervisor, teamlead (Front line: agent1..agent3), qa, "
        f"agent1..agent{len(AGENT_NAMES)} (password {PASSWORD!r})"
    )


def _team(lead: User, members: list[User]) -> None:
    from routing.models import Team

    team, _ = Team.objects.get_or_create(name="Front line")
    team.leads.add(lead)
    team.members.add(*members)
