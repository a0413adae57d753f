"""Business hours, pure: is a weekly calendar open at a moment, and when does that change.
`routing.models.BusinessCalendar` keeps the rows; the router, admission and flows ask here."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def calendar_open(
    hours: list[tuple[int, time, time]], holidays: set[date], tz: str, at: datetime
) -> bool:
    local = at.astimezone(ZoneInfo(tz))
    if local.date() in holidays:
        return False
    now = local.time()
    return any(day == local.weekday() and opens <= now < closes for day, opens, closes in hours)


def next_change(
    hours: list[tuple[int, time, time]], holidays: set[date], tz: str, at: datetime
) -> datetime | None:
    """When the calendar next opens or closes after `at` (within two weeks), or None."""
    zone = ZoneInfo(tz)
    local = at.astimezone(zone)
    state = calendar_open(hours, holidays, tz, at)
    for day_offset in range(15):
        day = local.date() + timedelta(days=day_offset)
        moments = sorted(
            {
                t
                for weekday, opens, closes in hours
                if weekday == day.weekday()
                for t in (opens, closes)
            }
            | {time(0, 0)}
        )
        for moment in moments:
            candidate = datetime.combine(day, moment, zone)
            if candidate > local and calendar_open(hours, holidays, tz, candidate) != state:
                return candidate
    return None
