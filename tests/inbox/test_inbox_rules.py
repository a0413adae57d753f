"""The inbox's pure rules: the query string and the settings, checked; bad input is a clear
refusal (400 at the endpoint), never a 500."""

import pytest

from contactcenter.inbox import filters, preferences


def test_the_query_string_is_checked_field_by_field():
    parsed = filters.parse({"view": "closed", "queue": "3", "since": "2026-01-02", "sort": "sla"})
    assert (parsed.view, parsed.queue_id, parsed.since.isoformat(), parsed.sort) == (
        "closed",
        3,
        "2026-01-02",
        "sla",
    )
    assert filters.parse({}) == filters.Filters()
    for bad in ({"view": "everything"}, {"sort": "random"}, {"queue": "x"}, {"since": "soon"}):
        with pytest.raises(filters.InvalidFilter):
            filters.parse(bad)


def test_settings_take_a_partial_update_and_refuse_what_they_do_not_know():
    current = preferences.Preferences()
    assert preferences.parse({"enter_sends": False}, current).enter_sends is False
    assert preferences.parse({"ring_sound": "bell"}, current).ring_sound == "bell"
    for bad in ([], {"enter_sends": "yes"}, {"ring_sound": "siren"}, {"theme": "dark"}):
        with pytest.raises(preferences.InvalidSettings):
            preferences.parse(bad, current)
