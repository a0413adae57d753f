"""Sampling rules pick what QA scores, per agent per period: the lowest ratings, the longest
handling, the worst moods, a keyword, or at random; never the same interaction twice, and no
agent beyond the rule's share."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import Group, User

from contactcenter.interactions.models import Interaction
from contactcenter.quality import sampling, sampling_shell
from contactcenter.quality.models import SampledInteraction, SamplingRule
from contactcenter.roles import QA_SPECIALISTS
from tests.quality.test_quality_workflow import a_closed_chat, a_scorecard

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def candidate(n: int, agent: int, **fields) -> sampling.Candidate:
    return sampling.Candidate(f"i-{n}", agent, NOW - timedelta(hours=n), **fields)


def test_low_csat_picks_each_agents_lowest_ratings_up_to_their_share():
    rule = sampling.Rule(id=1, kind="low_csat", per_agent=2, csat_at_most=2)
    found = [
        candidate(1, 7, csat=2),
        candidate(2, 7, csat=1),
        candidate(3, 7, csat=5),
        candidate(4, 7, csat=1),
        candidate(5, 8, csat=2),
        candidate(6, 8, csat=None),
    ]

    picks = sampling.pick(rule, found, already={}, picked_before=set(), seed="x")

    assert [(p.interaction_id, p.reason) for p in picks] == [
        ("i-2", "CSAT 1"),
        ("i-4", "CSAT 1"),
        ("i-5", "CSAT 2"),
    ]


def test_an_agents_share_already_picked_in_the_period_and_earlier_picks_are_respected():
    rule = sampling.Rule(id=1, kind="long_handle", per_agent=2, handle_minutes_at_least=10)
    found = [candidate(n, 7, handle_seconds=600 + n * 60) for n in range(1, 5)]

    picks = sampling.pick(rule, found, already={7: 1}, picked_before={"i-4"}, seed="x")

    assert [(p.interaction_id, p.reason) for p in picks] == [("i-3", "handled 13 min")]


def test_a_keyword_is_a_whole_word_or_phrase_in_any_case():
    rule = sampling.Rule(id=1, kind="keyword", per_agent=5, keyword="cancel  my account")
    found = [
        candidate(1, 7, text="I want to CANCEL my account now"),
        candidate(2, 7, text="please cancel my accounts"),
        candidate(3, 7, text="cancellation of my account"),
    ]

    picks = sampling.pick(rule, found, already={}, picked_before=set(), seed="x")

    assert [p.interaction_id for p in picks] == ["i-1"]


def test_a_random_draw_can_be_repeated_from_its_seed():
    rule = sampling.Rule(id=1, kind="random", per_agent=3)
    found = [candidate(n, 7 + n % 2, csat=n % 5) for n in range(1, 40)]

    first = sampling.pick(rule, found, already={}, picked_before=set(), seed="1:2026-12-01")
    again = sampling.pick(rule, list(reversed(found)), {}, set(), seed="1:2026-12-01")
    other = sampling.pick(rule, found, already={}, picked_before=set(), seed="1:2026-12-02")

    assert first == again and len(first) == 6
    assert first != other


@pytest.mark.django_db
def test_a_rule_picks_the_periods_low_ratings_once_and_qa_scores_them_from_its_page(client):
    card, criteria = a_scorecard()
    chats = [a_closed_chat()[0] for _ in range(3)]
    for interaction_id, rating in zip(chats, (1, 4, 2), strict=True):
        Interaction.objects.filter(pk=interaction_id).update(csat_rating=rating)
    rule = SamplingRule.objects.create(
        name="Unhappy customers", kind="low_csat", per_agent=5, scorecard=card
    )
    quinn = User.objects.create_user("quinn", password="pw-for-tests")
    quinn.groups.add(Group.objects.get_or_create(name=QA_SPECIALISTS)[0])
    client.force_login(quinn)

    first = client.post(f"/supervisor/quality/sampling/{rule.pk}/")
    again = client.post(f"/supervisor/quality/sampling/{rule.pk}/")

    assert first.status_code == 302 and first["Location"].endswith("?picked=2#samples")
    assert again["Location"].endswith("?picked=0#samples")
    picked = {s.interaction_id: s.reason for s in SampledInteraction.objects.all()}
    assert picked == {chats[0]: "CSAT 1", chats[2]: "CSAT 2"}
    page = client.get("/supervisor/quality/")
    assert {s.interaction_id for s, _ in page.context["samples"]} == {chats[0], chats[2]}

    greeted, named, verified = criteria
    client.post(
        f"/supervisor/quality/score/{chats[0]}/",
        {"scorecard": card.pk, f"c{greeted.pk}": "1", f"c{named.pk}": "1", f"c{verified.pk}": "1"},
    )
    page = client.get("/supervisor/quality/")
    assert [s.interaction_id for s, _ in page.context["samples"]] == [chats[2]]


@pytest.mark.django_db
def test_the_daily_job_runs_every_active_rule():
    chats = [a_closed_chat()[0] for _ in range(2)]
    SamplingRule.objects.create(name="Some of everyone's", kind="random", per_agent=1)
    SamplingRule.objects.create(name="Off", kind="random", per_agent=1, active=False)

    from django.core.management import call_command

    call_command("sample_for_qa")

    sampled = list(SampledInteraction.objects.values_list("rule_name", "interaction_id"))
    assert len(sampled) == 2  # each chat had its own agent: one each
    assert {i for _, i in sampled} == set(chats)
    assert sampling_shell.sample(SamplingRule.objects.get(name="Some of everyone's").pk) == 0
