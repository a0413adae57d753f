"""Schedule generation: shifts that cover the requirements, by an optimiser (OR-Tools CP-SAT).
Pure: specs in, shifts and coverage out, no Django; docs/wfm.md states the model.

Three phases, because one model with a variable per agent x day x shift variant x interval does
not solve 200 agents over two weeks of 15-minute intervals in a minute:

1. **Counts.** For each *skill group* (agents with the same skills and templates), day and
   shift variant (a template's start and lunch placement) an integer: how many of the group
   work it. Coverage of queue q in interval t is what the groups' working agents give it (a
   multi-skilled group splits its agents among its queues, a flow variable per group, queue
   and interval); under- and over-staffing are slack variables, and the objective is
   Σ under · W_under + Σ over · W_over. Capacity: per group and day, no more shifts than agents
   available; per group and week, paid minutes between the contracts' sums and days within
   their sums.
2. **Agents.** Per group, the counted shifts are given to agents (a boolean per agent, day and
   used variant): at most one shift a day, contract hours per week (min … max), days per week,
   availability windows and the minimum rest between shifts. The objective fills as many of
   the counted shifts as it can.
3. **Breaks.** Each shift's short breaks go, one shift at a time, where they leave the largest
   surplus of staff over requirement (within the rule's window).
"""

import math
import time
from collections import defaultdict
from dataclasses import dataclass, field

DAY = 1440


@dataclass(frozen=True)
class BreakRule:
    kind: str  # "break" or "lunch"
    minutes: int
    earliest_minutes: int  # after the shift starts
    latest_minutes: int  # latest start after the shift starts
    paid: bool = True


@dataclass(frozen=True)
class ShiftTemplate:
    name: str
    minutes: int  # from start to end, breaks included
    earliest_start_minutes: int  # after midnight
    latest_start_minutes: int
    start_step_minutes: int = 30
    breaks: tuple[BreakRule, ...] = ()

    @property
    def lunch(self) -> BreakRule | None:
        lunches = [b for b in self.breaks if b.kind == "lunch"]
        return lunches[0] if lunches else None

    @property
    def short_breaks(self) -> tuple[BreakRule, ...]:
        return tuple(b for b in self.breaks if b.kind != "lunch")

    @property
    def paid_minutes(self) -> int:
        return self.minutes - sum(b.minutes for b in self.breaks if not b.paid)


@dataclass(frozen=True)
class AgentSpec:
    agent_id: int
    skills: frozenset[str]
    min_week_minutes: int = 0
    max_week_minutes: int = 40 * 60
    max_days_per_week: int = 5
    templates: tuple[str, ...] | None = None  # None: any template
    # day index -> (from, to) minutes of that day the shift must lie within; a day left out
    # is a day off. None: available at any time on every day.
    availability: dict[int, tuple[int, int]] | None = None

    def window(self, day: int) -> tuple[int, int] | None:
        if self.availability is None:
            return (0, 2 * DAY)
        return self.availability.get(day)


@dataclass(frozen=True)
class Problem:
    days: int
    interval_minutes: int
    requirement: dict[str, list[int]]  # skill/queue -> agents needed per interval of horizon
    templates: tuple[ShiftTemplate, ...]
    agents: tuple[AgentSpec, ...]
    min_rest_minutes: int = 11 * 60
    under_weight: int = 10
    over_weight: int = 1
    time_limit_seconds: float = 40.0
    workers: int = 2

    @property
    def per_day(self) -> int:
        return DAY // self.interval_minutes

    @property
    def horizon(self) -> int:
        return self.days * self.per_day


@dataclass(frozen=True)
class Activity:
    kind: str  # work, break, lunch
    start_minute: int  # from the start of day 0 of the horizon
    end_minute: int


@dataclass(frozen=True)
class Shift:
    agent_id: int
    day: int
    template: str
    start_minute: int  # from the start of day 0 of the horizon
    end_minute: int
    activities: tuple[Activity, ...]

    @property
    def paid_minutes(self) -> int:
        return self.end_minute - self.start_minute


@dataclass
class Result:
    shifts: list[Shift]
    coverage: dict[str, list[int]]  # agents working for each queue per interval
    required: int  # agent-intervals required
    under: int  # agent-intervals short
    over: int  # agent-intervals beyond the requirement
    status: str
    seconds: float
    unfilled_shifts: int = 0
    phases: dict[str, float] = field(default_factory=dict)

    @property
    def coverage_gap(self) -> float:
        """Share of the required agent-intervals left uncovered."""
        return self.under / self.required if self.required else 0.0


@dataclass(frozen=True)
class Variant:
    template: ShiftTemplate
    day: int
    start: int  # minute of the horizon
    lunch_start: int | None  # minute of the horizon

    @property
    def end(self) -> int:
        return self.start + self.template.minutes

    def working_minutes(self) -> list[tuple[int, int]]:
        """[from, to) spans at work (lunch left out)."""
        if self.lunch_start is None:
            return [(self.start, self.end)]
        lunch_end = self.lunch_start + self.template.lunch.minutes
        return [(self.start, self.lunch_start), (lunch_end, self.end)]


def variants(problem: Problem) -> list[Variant]:
    out = []
    for day in range(problem.days):
        for template in problem.templates:
            step = max(template.start_step_minutes, problem.interval_minutes)
            for offset in range(
                template.earliest_start_minutes, template.latest_start_minutes + 1, step
            ):
                start = day * DAY + offset
                lunch = template.lunch
                if lunch is None:
                    out.append(Variant(template, day, start, None))
                    continue
                # lunch placements at the interval step, at most 4 per start (the solver's
                # size grows with them; breaks in phase 3 smooth what is left)
                picks = list(range(lunch.earliest_minutes, lunch.latest_minutes + 1, step))
                if len(picks) > 4:
                    stride = math.ceil(len(picks) / 4)
                    picks = picks[::stride]
                for lunch_offset in picks:
                    out.append(Variant(template, day, start, start + lunch_offset))
    return out


def intervals_of(spans: list[tuple[int, int]], interval: int, horizon: int) -> list[int]:
    """The horizon's intervals fully inside the spans."""
    out = []
    for a, b in spans:
        first = -(-a // interval)
        for t in range(first, b // interval):
            if 0 <= t < horizon:
                out.append(t)
    return out


def _groups(agents: tuple[AgentSpec, ...]) -> dict[tuple, list[AgentSpec]]:
    groups: dict[tuple, list[AgentSpec]] = defaultdict(list)
    for agent in agents:
        groups[(tuple(sorted(agent.skills)), agent.templates)].append(agent)
    return dict(groups)


def _fits(agent: AgentSpec, v: Variant) -> bool:
    if agent.templates is not None and v.template.name not in agent.templates:
        return False
    window = agent.window(v.day)
    if window is None:
        return False
    base = v.day * DAY
    return base + window[0] <= v.start and v.end <= base + window[1]


def generate(problem: Problem) -> Result:
    from ortools.sat.python import cp_model

    started = time.perf_counter()
    interval = problem.interval_minutes
    horizon = problem.horizon
    queues = sorted(problem.requirement)
    for q in queues:
        if len(problem.requirement[q]) != horizon:
            raise ValueError(f"requirement for {q!r} must have {horizon} intervals")
    all_variants = variants(problem)
    covers = [intervals_of(v.working_minutes(), interval, horizon) for v in all_variants]
    groups = _groups(problem.agents)

    # -- phase 1: counts per group, day and variant ------------------------------------------
    model = cp_model.CpModel()
    count: dict[tuple[int, int], object] = {}
    working: dict[int, list[list]] = {}
    weeks = math.ceil(problem.days / 7)
    for g, members in enumerate(groups.values()):
        working[g] = [[] for _ in range(horizon)]
        per_day_terms: dict[int, list] = defaultdict(list)
        per_week_minutes: dict[int, list] = defaultdict(list)
        per_week_days: dict[int, list] = defaultdict(list)
        for i, v in enumerate(all_variants):
            able = sum(1 for a in members if _fits(a, v))
            if able == 0:
                continue
            n = model.NewIntVar(0, able, f"n{g}_{i}")
            count[g, i] = n
            for t in covers[i]:
                working[g][t].append(n)
            per_day_terms[v.day].append(n)
            per_week_minutes[v.day // 7].append((n, v.template.paid_minutes))
            per_week_days[v.day // 7].append(n)
        for day, terms in per_day_terms.items():
            model.Add(sum(terms) <= sum(1 for a in members if a.window(day) is not None))
        for week in range(weeks):
            share = min(7, problem.days - week * 7) / 7
            minutes = per_week_minutes.get(week, [])
            total = sum(n * m for n, m in minutes) if minutes else 0
            model.Add(total <= int(sum(a.max_week_minutes for a in members) * share))
            low = int(sum(a.min_week_minutes for a in members) * share)
            if minutes and low:
                model.Add(total >= low)
            model.Add(sum(per_week_days.get(week, [])) <= sum(a.max_days_per_week for a in members))
    group_keys = list(groups)
    objective = []
    for t in range(horizon):
        need_total = sum(problem.requirement[q][t] for q in queues)
        served_by_queue: dict[str, list] = defaultdict(list)
        all_working = []
        for g, key in enumerate(group_keys):
            terms = working[g][t]
            if not terms:
                continue
            at_work = sum(terms)
            all_working.extend(terms)
            skills = [q for q in key[0] if q in problem.requirement]
            if len(skills) == 1:
                served_by_queue[skills[0]].append(at_work)
            elif len(skills) > 1:
                flows = []
                for q in skills:
                    if problem.requirement[q][t] <= 0:
                        continue
                    f = model.NewIntVar(0, len(groups[key]), f"f{g}_{q}_{t}")
                    flows.append(f)
                    served_by_queue[q].append(f)
                if flows:
                    model.Add(sum(flows) <= at_work)
        for q in queues:
            need = problem.requirement[q][t]
            if need <= 0:
                continue
            short = model.NewIntVar(0, need, f"u{q}_{t}")
            model.Add(short >= need - sum(served_by_queue[q]))
            objective.append(short * problem.under_weight)
        if all_working:
            extra = model.NewIntVar(0, len(problem.agents), f"o{t}")
            model.Add(extra >= sum(all_working) - need_total)
            objective.append(extra * problem.over_weight)
    model.Minimize(sum(objective))
    # CP-SAT alone finds poor solutions of this covering model in a few CPU seconds (its LP
    # bound is weak); the LP relaxation, solved by GLOP in a fraction of a second and rounded,
    # is a near-optimal start it then repairs and improves.
    # (a copy: reading `.linear` of another kind of constraint would turn it into one)
    for index, value in enumerate(lp_relaxation(model.Clone().Proto())):
        model.proto.solution_hint.vars.append(index)
        model.proto.solution_hint.values.append(round(value))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = problem.time_limit_seconds * 0.6
    # One worker: with `repair_hint` on more than one, OR-Tools 9.15 now and then aborts the
    # whole process ("Check failed: heuristics.fixed_search != nullptr"; every time, sooner
    # or later, on a model its presolve solves outright; tests/wfm/test_scheduling.py). And
    # one worker repairing the LP's start does as well here as two (bench wfm: 2.4% / 2.8%).
    solver.parameters.num_workers = 1
    solver.parameters.repair_hint = True
    status = solver.Solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise ValueError("no schedule satisfies the contracts and availability")
    status_name = solver.StatusName(status)
    counts = {k: solver.Value(n) for k, n in count.items() if solver.Value(n) > 0}
    phase1 = time.perf_counter() - started

    # -- phase 2: the counted shifts to agents ---------------------------------------------
    shifts: list[Shift] = []
    unfilled = 0
    remaining = max(1.0, problem.time_limit_seconds * 0.95 - phase1)
    for g, key in enumerate(group_keys):
        members = groups[key]
        slots = {i: c for (gg, i), c in counts.items() if gg == g}
        if not slots:
            continue
        chosen, short = _assign(problem, members, all_variants, slots, remaining / len(groups))
        unfilled += short
        for agent_id, i in chosen:
            shifts.append(_shift(agent_id, all_variants[i]))
    phase2 = time.perf_counter() - started - phase1

    # -- phase 3: short breaks where the surplus is largest ----------------------------------
    shifts = _place_breaks(problem, shifts)
    coverage = coverage_of(problem, shifts)
    required, under, over = gaps(problem, coverage, shifts)
    return Result(
        shifts=sorted(shifts, key=lambda s: (s.day, s.start_minute, s.agent_id)),
        coverage=coverage,
        required=required,
        under=under,
        over=over,
        status=status_name.lower(),
        seconds=time.perf_counter() - started,
        unfilled_shifts=unfilled,
        phases={"counts": phase1, "agents": phase2},
    )


def lp_relaxation(proto) -> list[float]:
    """The optimum of a CP-SAT model's linear relaxation (every constraint of the counts
    model is linear), by GLOP: one value per variable."""
    from ortools.linear_solver import pywraplp

    lp = pywraplp.Solver.CreateSolver("GLOP")
    variables = []
    for v in proto.variables:
        domain = list(v.domain)  # (the proto's repeated fields take no negative index)
        variables.append(lp.NumVar(float(domain[0]), float(domain[-1]), ""))
    for constraint in proto.constraints:
        linear = constraint.linear
        domain = list(linear.domain)
        if not domain:  # not a linear constraint (a constant one, from an empty sum)
            continue
        row = lp.RowConstraint(
            float(domain[0]) if domain[0] > -(2**62) else -lp.infinity(),
            float(domain[-1]) if domain[-1] < 2**62 else lp.infinity(),
            "",
        )
        for var, coeff in zip(linear.vars, linear.coeffs, strict=True):
            row.SetCoefficient(variables[var], float(coeff))
    goal = lp.Objective()
    for var, coeff in zip(proto.objective.vars, proto.objective.coeffs, strict=True):
        goal.SetCoefficient(variables[var], float(coeff))
    goal.SetMinimization()
    if lp.Solve() not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        return []
    return [v.solution_value() for v in variables]


def _assign(
    problem: Problem,
    members: list[AgentSpec],
    all_variants: list[Variant],
    slots: dict[int, int],
    time_limit: float,
) -> tuple[list[tuple[int, int]], int]:
    """Give the counted shifts to agents: a greedy pass in time order (the most urgent agent
    first), then CP-SAT from that start to fill what the greedy pass could not."""
    chosen = _assign_greedily(problem, members, all_variants, slots)
    short = sum(slots.values()) - len(chosen)
    if short == 0 or time_limit < 0.5:
        return chosen, short
    improved = _assign_exactly(problem, members, all_variants, slots, time_limit, chosen)
    if improved is not None and len(improved) > len(chosen):
        chosen = improved
    return chosen, sum(slots.values()) - len(chosen)


def _assign_greedily(
    problem: Problem,
    members: list[AgentSpec],
    all_variants: list[Variant],
    slots: dict[int, int],
) -> list[tuple[int, int]]:
    """Day by day, each counted shift (earliest first) goes to the agent who fits it, may
    still work this week (days, minutes), keeps the rest, and is most urgent: the largest
    share of their remaining available days this week they still have to work to reach the
    contract's minimum (then the most days left allowed)."""
    worked_days: dict[tuple[int, int], int] = defaultdict(int)  # (agent, week)
    worked_minutes: dict[tuple[int, int], int] = defaultdict(int)
    last_end: dict[int, tuple[int, int]] = {}  # agent -> (day, end minute)
    chosen = []
    by_day: dict[int, list[int]] = defaultdict(list)
    for i in slots:
        by_day[all_variants[i].day].append(i)
    typical = max((t.paid_minutes for t in problem.templates), default=480)
    for day in range(problem.days):
        week = day // 7
        week_end = min(problem.days, week * 7 + 7)
        busy: set[int] = set()
        for i in sorted(by_day.get(day, []), key=lambda i: all_variants[i].start):
            v = all_variants[i]
            for _ in range(slots[i]):
                best, best_key = None, None
                for a, agent in enumerate(members):
                    if a in busy or not _fits(agent, v):
                        continue
                    key = (a, week)
                    if worked_days[key] >= agent.max_days_per_week:
                        continue
                    if worked_minutes[key] + v.template.paid_minutes > agent.max_week_minutes:
                        continue
                    previous = last_end.get(a)
                    if (
                        previous
                        and previous[0] == day - 1
                        and v.start - previous[1] < problem.min_rest_minutes
                    ):
                        continue
                    days_left = sum(1 for d in range(day, week_end) if agent.window(d) is not None)
                    still = max(0, agent.min_week_minutes - worked_minutes[key])
                    urgency = (still / typical) / max(days_left, 1)
                    allowed = agent.max_days_per_week - worked_days[key]
                    rank = (urgency, allowed / max(days_left, 1), -a)
                    if best_key is None or rank > best_key:
                        best, best_key = a, rank
                if best is None:
                    break
                busy.add(best)
                worked_days[best, week] += 1
                worked_minutes[best, week] += v.template.paid_minutes
                last_end[best] = (day, v.end)
                chosen.append((members[best].agent_id, i))
    return chosen


def _assign_exactly(
    problem: Problem,
    members: list[AgentSpec],
    all_variants: list[Variant],
    slots: dict[int, int],
    time_limit: float,
    hint: list[tuple[int, int]],
) -> list[tuple[int, int]] | None:
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    hinted = set(hint)
    x: dict[tuple[int, int], object] = {}
    by_agent_day: dict[tuple[int, int], list[int]] = defaultdict(list)
    for a, agent in enumerate(members):
        for i in slots:
            if _fits(agent, all_variants[i]):
                x[a, i] = model.NewBoolVar(f"x{a}_{i}")
                model.AddHint(x[a, i], (agent.agent_id, i) in hinted)
                by_agent_day[a, all_variants[i].day].append(i)
    for i, wanted in slots.items():
        model.Add(sum(x[a, i] for a in range(len(members)) if (a, i) in x) <= wanted)
    weeks = math.ceil(problem.days / 7)
    shortfalls: list = []
    for a, agent in enumerate(members):
        for day in range(problem.days):
            if by_agent_day.get((a, day)):
                model.AddAtMostOne(x[a, i] for i in by_agent_day[a, day])
        for week in range(weeks):
            days = range(week * 7, min(problem.days, week * 7 + 7))
            share = len(days) / 7
            terms = [
                (x[a, i], all_variants[i].template.paid_minutes)
                for d in days
                for i in by_agent_day.get((a, d), [])
            ]
            if not terms:
                continue
            minutes = sum(v * m for v, m in terms)
            model.Add(minutes <= int(agent.max_week_minutes * share))
            model.Add(sum(v for v, _ in terms) <= agent.max_days_per_week)
            # the contract's minimum, softened so an unfillable week is short rather than
            # the whole group unschedulable
            missing = model.NewIntVar(0, agent.min_week_minutes, f"m{a}_{week}")
            model.Add(minutes + missing >= int(agent.min_week_minutes * share))
            shortfalls.append(missing)
        # rest between consecutive days' shifts
        for day in range(problem.days - 1):
            today = by_agent_day.get((a, day), [])
            tomorrow = by_agent_day.get((a, day + 1), [])
            if not today or not tomorrow:
                continue
            latest_end = max(all_variants[i].end for i in today)
            earliest_start = min(all_variants[i].start for i in tomorrow)
            if earliest_start - latest_end >= problem.min_rest_minutes:
                continue
            end = sum(x[a, i] * all_variants[i].end for i in today)
            begins = sum(x[a, i] * all_variants[i].start for i in tomorrow)
            works_tomorrow = sum(x[a, i] for i in tomorrow)
            # when both days are worked: start(d+1) - end(d) ≥ rest; otherwise vacuous
            big = 3 * DAY * problem.days
            model.Add(begins - end + big * (1 - works_tomorrow) >= problem.min_rest_minutes)
    # filling the counted shifts first; then the fewest minutes short of contracts
    model.Maximize(10_000 * sum(x.values()) - sum(shortfalls))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = problem.workers
    status = solver.Solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return [(members[a].agent_id, i) for (a, i), v in x.items() if solver.Value(v)]


def _shift(agent_id: int, v: Variant) -> Shift:
    activities = []
    for a, b in v.working_minutes():
        activities.append(Activity("work", a, b))
    if v.lunch_start is not None:
        activities.append(
            Activity("lunch", v.lunch_start, v.lunch_start + v.template.lunch.minutes)
        )
    return Shift(
        agent_id=agent_id,
        day=v.day,
        template=v.template.name,
        start_minute=v.start,
        end_minute=v.end,
        activities=tuple(sorted(activities, key=lambda x: x.start_minute)),
    )


def with_break(shift: Shift, kind: str, start: int, end: int) -> Shift:
    """The shift with [start, end) cut out of its work as a break (or lunch)."""
    activities = []
    for act in shift.activities:
        if act.kind != "work" or act.end_minute <= start or act.start_minute >= end:
            activities.append(act)
            continue
        if act.start_minute < start:
            activities.append(Activity("work", act.start_minute, start))
        if end < act.end_minute:
            activities.append(Activity("work", end, act.end_minute))
    activities.append(Activity(kind, start, end))
    return Shift(
        shift.agent_id,
        shift.day,
        shift.template,
        shift.start_minute,
        shift.end_minute,
        tuple(sorted(activities, key=lambda x: x.start_minute)),
    )


def _place_breaks(problem: Problem, shifts: list[Shift]) -> list[Shift]:
    interval = problem.interval_minutes
    horizon = problem.horizon
    need = [sum(problem.requirement[q][t] for q in problem.requirement) for t in range(horizon)]
    staffed = [0] * horizon
    for s in shifts:
        for t in _work_intervals(s, interval, horizon):
            staffed[t] += 1
    templates = {t.name: t for t in problem.templates}
    placed = []
    for s in sorted(shifts, key=lambda s: (s.start_minute, s.agent_id)):
        for rule in templates[s.template].short_breaks:
            best, best_score = None, None
            for offset in range(rule.earliest_minutes, rule.latest_minutes + 1, interval):
                start = s.start_minute + offset
                end = start + rule.minutes
                if any(
                    a.kind != "work" and a.start_minute < end and start < a.end_minute
                    for a in s.activities
                ):
                    continue
                span = intervals_of([(start, end)], interval, horizon)
                score = min((staffed[t] - need[t] for t in span), default=0)
                if best_score is None or score > best_score:
                    best, best_score = (start, end), score
            if best is None:
                continue
            for t in intervals_of([best], interval, horizon):
                staffed[t] -= 1
            s = with_break(s, rule.kind, *best)
        placed.append(s)
    return placed


def _work_intervals(shift: Shift, interval: int, horizon: int) -> list[int]:
    return intervals_of(
        [(a.start_minute, a.end_minute) for a in shift.activities if a.kind == "work"],
        interval,
        horizon,
    )


def coverage_of(problem: Problem, shifts: list[Shift]) -> dict[str, list[int]]:
    """Agents working for each queue per interval: in each interval the working agents go,
    fewest skills first, to the queue of theirs with the largest remaining shortfall."""
    skills = {a.agent_id: [q for q in sorted(a.skills) if q in problem.requirement]
              for a in problem.agents}  # fmt: skip
    horizon = problem.horizon
    at_work: list[list[int]] = [[] for _ in range(horizon)]
    for s in shifts:
        for t in _work_intervals(s, problem.interval_minutes, horizon):
            at_work[t].append(s.agent_id)
    coverage = {q: [0] * horizon for q in problem.requirement}
    for t in range(horizon):
        for agent_id in sorted(at_work[t], key=lambda a: len(skills.get(a, []))):
            mine = skills.get(agent_id) or []
            if not mine:
                continue
            q = max(mine, key=lambda q: problem.requirement[q][t] - coverage[q][t])
            coverage[q][t] += 1
    return coverage


def gaps(
    problem: Problem, coverage: dict[str, list[int]], shifts: list[Shift]
) -> tuple[int, int, int]:
    """(required, under, over) in agent-intervals."""
    required = under = over = 0
    for q, need in problem.requirement.items():
        for t, n in enumerate(need):
            required += n
            under += max(0, n - coverage[q][t])
            over += max(0, coverage[q][t] - n)
    return required, under, over
