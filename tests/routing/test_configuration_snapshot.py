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
