"""The schedule projection (inline): `Schedule` and its `ScheduledShift` rows."""

from datetime import date, datetime

from contactcenter.events.projections import Projector, Rows, register
from contactcenter.events.store import RecordedEvent
from wfm import events as ev
from wfm.models import Schedule, ScheduledShift


def shift_key(schedule_id: str, agent_id: int, day: str) -> str:
    return f"{schedule_id}:{agent_id}:{day}"


@register
class ScheduleProjector(Projector):
    name = "schedules"
    models = [Schedule, ScheduledShift]

    def _schedule(self, schedule_id: str, r: RecordedEvent, rows: Rows) -> Schedule:
        schedule = rows.get(Schedule, schedule_id)
        if schedule is None:
            raise LookupError(f"event #{r.position} names unknown schedule {schedule_id}")
        schedule.version = r.version
        rows.changed(schedule)
        return schedule

    def _shift(self, schedule_id: str, data: dict, edited: bool) -> ScheduledShift:
        return ScheduledShift(
            key=shift_key(schedule_id, data["agent_id"], data["day"]),
            schedule_id=schedule_id,
            agent_id=data["agent_id"],
            day=date.fromisoformat(data["day"]),
            template=data.get("template", ""),
            start=datetime.fromisoformat(data["start"]),
            end=datetime.fromisoformat(data["end"]),
            activities=data.get("activities", []),
            edited=edited,
        )

    def on_ScheduleGenerated(self, e: ev.ScheduleGenerated, r: RecordedEvent, rows: Rows):
        rows.add(
            Schedule(
                id=e.schedule_id,
                first_day=date.fromisoformat(e.first_day),
                days=e.days,
                interval_minutes=e.interval_minutes,
                generated_at=r.occurred_at,
                generated_by=r.actor,
                version=r.version,
                required=e.required,
                under=e.under,
                over=e.over,
                queues=e.queues,
                requirement=e.requirement,
            )
        )
        for shift in e.shifts:
            rows.add(self._shift(e.schedule_id, shift, edited=False))

    def on_ScheduleShiftChanged(self, e: ev.ScheduleShiftChanged, r: RecordedEvent, rows: Rows):
        schedule = self._schedule(e.schedule_id, r, rows)
        schedule.edits += 1
        fresh = self._shift(e.schedule_id, e.to_data(), edited=True)
        existing = rows.get(ScheduledShift, fresh.key)
        if existing is None:
            rows.add(fresh)
            return
        for name in ("template", "start", "end", "activities"):
            setattr(existing, name, getattr(fresh, name))
        existing.edited, existing.removed = True, False
        rows.changed(existing)

    def on_ScheduleShiftRemoved(self, e: ev.ScheduleShiftRemoved, r: RecordedEvent, rows: Rows):
        schedule = self._schedule(e.schedule_id, r, rows)
        schedule.edits += 1
        existing = rows.get(ScheduledShift, shift_key(e.schedule_id, e.agent_id, e.day))
        if existing is None:
            return
        if existing.published is None:
            rows.delete(existing)
        else:  # agents still see it until the next publish
            existing.removed = True
            rows.changed(existing)

    def on_SchedulePublished(self, e: ev.SchedulePublished, r: RecordedEvent, rows: Rows):
        schedule = self._schedule(e.schedule_id, r, rows)
        schedule.published_at = r.occurred_at
        schedule.published_version = e.version
        for shift in self._shifts_of(e.schedule_id, rows):
            if shift.removed:
                rows.delete(shift)
                continue
            shift.published = {
                "start": shift.start.isoformat(),
                "end": shift.end.isoformat(),
                "activities": shift.activities,
            }
            rows.changed(shift)

    def _shifts_of(self, schedule_id: str, rows: Rows) -> list[ScheduledShift]:
        """Every shift row of the schedule: those this unit of work holds (all of them in a
        rebuild) and, live, those in the database."""
        keys = {s.key for s in rows.cached(ScheduledShift) if s.schedule_id == schedule_id}
        if not rows.authoritative:
            keys |= set(
                ScheduledShift.objects.filter(schedule_id=schedule_id).values_list("key", flat=True)
            )
        found = (rows.get(ScheduledShift, key) for key in sorted(keys))
        return [s for s in found if s is not None]
