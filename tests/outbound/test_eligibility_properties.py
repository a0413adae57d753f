"""Properties of who may be dialled (hypothesis): never a do-not-call number, never outside the
contact's calling window, never past the attempt limit, never two live attempts to one
contact — however the list, the clock and the outcomes fall."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from outbound.eligibility import CallingWindow, Contact, Rules, after_attempt, pick

ZONES = ["America/New_York", "America/Los_Angeles", "Europe/London", "Asia/Tokyo", "UTC"]
NUMBERS = [f"+1415555{n:04d}" for n in range(12)]
OUTCOMES = ["busy", "no-answer", "machine", "failed", "abandoned", "connected"]

contacts = st.lists(
    st.builds(
        Contact,
        contact_id=st.integers(1, 10_000),
        phone=st.sampled_from(NUMBERS),
        zone=st.sampled_from(ZONES),
        attempts=st.integers(0, 6),
        next_attempt_at=st.none()
        | st.datetimes(
            min_value=datetime(2026, 1, 1), max_value=datetime(2026, 1, 10), timezones=st.just(UTC)
        ),
        live=st.booleans(),
        done=st.booleans(),
    ),
    max_size=40,
    unique_by=lambda c: c.contact_id,
)
windows = st.builds(
    CallingWindow,
    start=st.times(max_value=time(12, 0)),
    end=st.times(min_value=time(12, 0)),
    weekdays=st.frozensets(st.integers(0, 6), min_size=1),
)
moments = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2026, 1, 10), timezones=st.just(UTC)
)


@settings(max_examples=300, deadline=None)
@given(
    contacts,
    windows,
    st.integers(1, 5),
    st.frozensets(st.sampled_from(NUMBERS)),
    moments,
    st.integers(0, 50),
)
def test_what_is_picked_obeys_every_rule(people, window, max_attempts, dnc, now, limit):
    rules = Rules(window=window, max_attempts=max_attempts, do_not_call=dnc)
    chosen, refused = pick(people, rules, now, limit)
    assert len(chosen) <= limit
    assert len({c.phone for c in chosen}) == len(chosen)  # one line per number per round
    for contact in chosen:
        local = now.astimezone(ZoneInfo(contact.zone))
        assert contact.phone not in dnc
        assert local.weekday() in window.weekdays
        assert window.start <= local.time() < window.end
        assert contact.attempts < max_attempts
        assert not contact.live and not contact.done
        assert contact.next_attempt_at is None or contact.next_attempt_at <= now
    assert len(chosen) + sum(refused.values()) <= len(people)


@settings(max_examples=200, deadline=None)
@given(
    contacts,
    st.integers(1, 5),
    st.frozensets(st.sampled_from(NUMBERS)),
    st.lists(st.sampled_from(OUTCOMES), min_size=1, max_size=60),
    moments,
)
def test_a_campaign_run_never_breaks_a_rule(people, max_attempts, dnc, outcomes, start):
    """Round after round: pick, dial (the contact goes live), end the attempt with an outcome,
    move the clock. Every dial is checked against the rules as they stood at that moment."""
    window = CallingWindow(time(9, 0), time(20, 0))
    rules = Rules(window=window, max_attempts=max_attempts, do_not_call=dnc)
    book = {c.contact_id: c for c in people}
    now = start
    dialled: dict[int, int] = {}
    live: set[int] = {c.contact_id for c in people if c.live}
    for outcome in outcomes:
        chosen, _ = pick(book.values(), rules, now, limit=3)
        for contact in chosen:
            assert contact.contact_id not in live  # never two live attempts
            assert contact.phone not in dnc
            assert window.allows(now, contact.zone)
            dialled[contact.contact_id] = dialled.get(contact.contact_id, 0) + 1
            assert contact.attempts < max_attempts
            live.add(contact.contact_id)
            book[contact.contact_id] = Contact(**{**contact.__dict__, "live": True})
        if chosen:  # the first of this round's attempts ends
            first = book[chosen[0].contact_id]
            book[first.contact_id] = after_attempt(first, outcome, now, max_attempts)
            live.discard(first.contact_id)
        now += timedelta(minutes=47)
    for contact_id, count in dialled.items():
        started_with = next(c.attempts for c in people if c.contact_id == contact_id)
        assert started_with + count <= max(max_attempts, started_with)
