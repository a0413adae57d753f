"""Each process keeps a snapshot of routing's configuration, and asks one number whether it
is still current rather than reading the whole configuration again every couple of seconds."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from routing import config
from routing.models import AgentCapacity, ConfigurationGeneration, Queue
from tests.routing.builders import a_queue, an_agent

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    """The snapshot's own monotonic clock, moved by hand."""
    now = [1000.0]
    monkeypatch.setattr(config.time, "monotonic", lambda: now[0])
    return now


def test_a_snapshot_past_its_ttl_asks_one_number_and_keeps_what_it_has(clock):
    queue = a_queue(name="Support")
    an_agent(queue)
    first = config.current()
    clock[0] += config.TTL_SECONDS + 1
    with CaptureQueriesContext(connection) as queries:
        again = config.current()
    assert again is first
    assert len(queries) == 1 and "routing_configuration_generation" in queries[0]["sql"]


def test_a_change_saved_anywhere_is_seen_within_the_ttl(clock):
    queue = a_queue(name="Support")
    agent = an_agent(queue, capacity_webchat=2)
    before = config.current()
    # Another process saved a change: its signal bumped the generation, not our snapshot.
    capacity = AgentCapacity.objects.get(agent__user=agent, channel="webchat")
    AgentCapacity.objects.filter(pk=capacity.pk).update(capacity=7)
    config.bump_generation()
    assert config.current() is before  # within the TTL: what we have
    clock[0] += config.TTL_SECONDS + 1
    after = config.current()
    assert after.agents[agent.pk].capacity["webchat"] == 7
    assert after.generation == before.generation + 1


def test_a_queue_saved_by_another_process_a_moment_ago_is_found_at_once(clock):
    config.current()
    # Another process adds a queue and an interaction in it, and an agent opens it before our
    # snapshot would next check: the view must have the queue (its dispositions), not none.
    Queue.objects.bulk_create([Queue(name="Billing")])  # no signal reaches this process
    config.bump_generation()
    billing = Queue.objects.get(name="Billing")
    assert billing.pk not in config.current().queues
    clock[0] += config.RECHECK_SECONDS + 0.01
    assert config.queue(billing.pk).name == "Billing"


def test_an_agent_made_by_another_process_a_moment_ago_is_found_at_once(clock, monkeypatch):
    queue = a_queue(name="Support")
    before = config.current()
    agent = an_agent(queue)  # its console connects at once, to a process made before it
    monkeypatch.setattr(config, "_snapshot", before)
    clock[0] += config.RECHECK_SECONDS + 0.01
    assert agent.pk not in config.current().agents
    assert config.agent(agent.pk).agent_id == agent.pk


def test_a_queue_that_is_not_there_is_not_asked_for_again_and_again(clock):
    config.current()
    clock[0] += config.RECHECK_SECONDS + 0.01
    assert config.queue(404) is None  # asks once
    with CaptureQueriesContext(connection) as queries:
        assert config.queue(404) is None
        assert config.queue(None) is None
    assert not queries


def test_a_change_saved_in_this_process_is_seen_at_once_and_bumps_the_generation(clock):
    queue = a_queue(name="Support")
    before = config.current()
    Queue.objects.filter(pk=queue.pk).get().save()  # admin saves the queue
    assert ConfigurationGeneration.objects.get().number > before.generation
    assert config.current() is not before


def test_a_change_behind_the_orms_back_is_seen_within_the_maximum_age(clock):
    queue = a_queue(name="Support")
    config.current()
    Queue.objects.filter(pk=queue.pk).update(name="Renamed")  # no signal, no bump
    clock[0] += config.TTL_SECONDS + 1
    assert config.current().queues[queue.pk].name == "Support"
    clock[0] += config.MAX_AGE_SECONDS
    assert config.current().queues[queue.pk].name == "Renamed"


def test_a_login_does_not_make_every_process_read_the_configuration_again(clock):
    queue = a_queue(name="Support")
    agent = an_agent(queue)
    before = ConfigurationGeneration.objects.get().number
    agent.save(update_fields=["last_login"])
    assert ConfigurationGeneration.objects.get().number == before


def test_a_role_taken_away_counts_at_once_though_roles_are_remembered(clock):
    from django.contrib.auth.models import Group

    from contactcenter.access import supervised_agents
    from contactcenter.roles import SUPERVISORS, is_supervisor
    from routing.models import Team

    queue = a_queue(name="Support")
    boss = an_agent(queue, supervisor=True)
    lead, member = an_agent(queue), an_agent(queue)
    team = Team.objects.create(name="Blue")
    team.leads.add(lead)
    team.members.add(member)
    assert is_supervisor(boss) and supervised_agents(lead) == {member.pk}
    with CaptureQueriesContext(connection) as queries:
        assert is_supervisor(boss) and supervised_agents(lead) == {member.pk}
    assert len(queries) == 0  # remembered

    boss.groups.remove(Group.objects.get(name=SUPERVISORS))
    team.members.remove(member)
    assert not is_supervisor(boss)
    assert supervised_agents(lead) == frozenset()


def test_a_role_changed_behind_the_orms_back_counts_within_the_maximum_age(clock):
    from contactcenter.roles import is_supervisor

    queue = a_queue(name="Support")
    boss = an_agent(queue, supervisor=True)
    assert is_supervisor(boss)
    boss.groups.through.objects.filter(user_id=boss.pk).delete()  # no signal
    clock[0] += config.TTL_SECONDS + 1
    assert is_supervisor(boss)  # as remembered
    clock[0] += config.MAX_AGE_SECONDS
    assert not is_supervisor(boss)


def test_who_anyone_is_comes_with_the_snapshot_not_a_query_per_person(clock):
    """An agent's first accept after the snapshot was read asked for their groups, the team
    they lead and their queues, a query each (about a millisecond of CPU apiece), and the
    snapshot is read anew at least once a minute: on a running server that was nearly every
    agent's every accept (issue 18). The snapshot reads everyone's at once, and each answer
    is the one the query for that person gives."""
    from django.contrib.auth.models import Group, User

    from contactcenter.access import agent_queue_ids, supervised_agents
    from contactcenter.roles import (
        AGENTS,
        QA_SPECIALISTS,
        SUPERVISORS,
        group_names,
        is_agent,
        is_supervisor,
    )
    from routing.models import AgentProfile, Team

    support, billing = a_queue(name="Support"), a_queue(name="Billing")
    boss = an_agent(support, supervisor=True)
    lead, member, other = an_agent(support), an_agent(support, billing), an_agent(billing)
    Team.objects.create(name="Blue").leads.add(lead)
    Team.objects.get(name="Blue").members.add(member, other)
    Team.objects.create(name="Empty").leads.add(other)  # leads a team of no one
    qa = User.objects.create_user("qa")
    qa.groups.add(Group.objects.create(name=QA_SPECIALISTS))
    nobody = User.objects.create_user("nobody")  # no group, no profile, no team
    profile_only = User.objects.create_user("profile-only")  # an agent by profile alone
    AgentProfile.objects.create(user=profile_only)
    people = {
        "boss": boss,
        "lead": lead,
        "member": member,
        "other": other,
        "qa": qa,
        "nobody": nobody,
        "profile-only": profile_only,
    }

    def asked_of_each():
        return {
            name: (
                group_names(person),
                is_supervisor(person),
                is_agent(person),
                supervised_agents(person),
                agent_queue_ids(person),
            )
            for name, person in people.items()
        }

    def asked_of_the_database(person):  # what a query for that person gives
        groups = frozenset(person.groups.values_list("name", flat=True))
        supervisor = person.is_superuser or SUPERVISORS in groups
        return (
            groups,
            supervisor,
            supervisor or AGENTS in groups or AgentProfile.objects.filter(user=person).exists(),
            None
            if supervisor
            else frozenset(
                Team.members.through.objects.filter(team__leads=person).values_list(
                    "user_id", flat=True
                )
            ),
            set(
                AgentProfile.queues.through.objects.filter(agentprofile__user=person).values_list(
                    "queue_id", flat=True
                )
            ),
        )

    config.current()
    with CaptureQueriesContext(connection) as queries:
        answers = asked_of_each()
    assert [q["sql"] for q in queries] == []
    assert answers == {name: asked_of_the_database(person) for name, person in people.items()}
    assert answers["lead"][3] == {member.pk, other.pk}
    assert answers["other"][3] == frozenset() and answers["nobody"][2] is False
    assert answers["profile-only"][2] is True and answers["member"][4] == {support.pk, billing.pk}
