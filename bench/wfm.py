"""Workforce management: schedule 200 agents over two weeks at 15-minute resolution.

The whole pure pipeline on a synthetic center: eight weeks of Poisson volumes per queue with a
weekly x intraday shape and a trend → Holt-Winters forecast of the next two weeks (and the
seasonal-naive baseline, both with their holdout WAPE) → Erlang C requirement per interval
(80/20, 25% shrinkage) → CP-SAT schedule of 200 agents (160 full-time 5 x 8 h with lunch and
two breaks, 40 part-time 4 h; four skill groups over three queues; part-timers only on
weekday afternoons) → coverage gap.

Target (issue 21): the schedule in <= 60 s. `BENCH_WFM_AGENTS`, `BENCH_WFM_DAYS` change sizes.
Ends with `wfm: key=value ...`.
"""

import math
import os
import random
import sys
import time
from datetime import date

from bench import harness
from wfm import forecasting, requirements, scheduling

AGENTS = int(os.environ.get("BENCH_WFM_AGENTS", 200))
DAYS = int(os.environ.get("BENCH_WFM_DAYS", 14))
INTERVAL = 15
HISTORY_DAYS = 56
FIRST_DAY = date(2026, 1, 5)  # a Monday
QUEUES = {  # queue: (contacts per weekday, AHT seconds, peak hour)
    "sales": (1500, 300, 11.0),
    "support": (2200, 420, 14.0),
    "billing": (800, 360, 10.0),
}
WEEK = [1.0, 0.95, 0.92, 0.95, 0.9, 0.55, 0.35]


def expected(queue: str, day: int, t: int) -> float:
    volume, _, peak = QUEUES[queue]
    hour = t * INTERVAL / 60
    if not 7 <= hour < 21:
        return 0.0
    shape = math.exp(-(((hour - peak) / 3.0) ** 2)) + 0.35
    norm = sum(
        math.exp(-(((h / 4 - peak) / 3.0) ** 2)) + 0.35 for h in range(28, 84)
    )  # 07:00-21:00 in quarters
    return volume * (1 + 0.002 * day) * WEEK[day % 7] * shape / norm


def poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    if mean > 50:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p < limit:
            return k
        k += 1


def history(rng: random.Random, queue: str) -> list[float]:
    per_day = 1440 // INTERVAL
    return [
        poisson(rng, expected(queue, d, t)) for d in range(HISTORY_DAYS) for t in range(per_day)
    ]


def agents() -> tuple[scheduling.AgentSpec, ...]:
    specs = []
    full = int(AGENTS * 0.8)
    for i in range(AGENTS):
        share = i / AGENTS
        skills = (
            {"sales"} if share < 0.3 else {"support"} if share < 0.7
            else {"billing"} if share < 0.85 else {"support", "billing"}
        )  # fmt: skip
        if i < full:
            specs.append(
                scheduling.AgentSpec(
                    agent_id=i + 1,
                    skills=frozenset(skills),
                    min_week_minutes=32 * 60,
                    max_week_minutes=40 * 60,
                    max_days_per_week=5,
                    templates=("day8",),
                )
            )
        else:
            afternoons = {d: (12 * 60, 21 * 60) for d in range(DAYS) if d % 7 < 5}
            specs.append(
                scheduling.AgentSpec(
                    agent_id=i + 1,
                    skills=frozenset(skills),
                    min_week_minutes=12 * 60,
                    max_week_minutes=20 * 60,
                    max_days_per_week=5,
                    templates=("part4",),
                    availability=afternoons,
                )
            )
    return tuple(specs)


TEMPLATES = (
    scheduling.ShiftTemplate(
        name="day8",
        minutes=8 * 60 + 30,
        earliest_start_minutes=6 * 60 + 30,
        latest_start_minutes=12 * 60 + 30,
        start_step_minutes=30,
        breaks=(
            scheduling.BreakRule("break", 15, 90, 165),
            scheduling.BreakRule("lunch", 30, 210, 300, paid=False),
            scheduling.BreakRule("break", 15, 360, 435),
        ),
    ),
    scheduling.ShiftTemplate(
        name="part4",
        minutes=4 * 60,
        earliest_start_minutes=12 * 60,
        latest_start_minutes=17 * 60,
        start_step_minutes=60,
        breaks=(scheduling.BreakRule("break", 15, 90, 150),),
    ),
)


def main() -> int:
    print(f"machine: {harness.machine()}")
    rng = random.Random(21)
    per_day = 1440 // INTERVAL
    target = requirements.Target(sl_threshold_seconds=20, sl_target=0.8)
    need: dict[str, list[int]] = {}
    started = time.perf_counter()
    wapes = {}
    for queue, (_, aht, _) in QUEUES.items():
        past = history(rng, queue)
        hw = forecasting.forecast("holt_winters", past, FIRST_DAY, INTERVAL, DAYS)
        naive = forecasting.forecast("seasonal_naive", past, FIRST_DAY, INTERVAL, DAYS)
        wapes[queue] = (hw.wape, naive.wape)
        need[queue] = [
            requirements.requirement(
                contacts=c, aht_seconds=aht, interval_minutes=INTERVAL, target=target,
                shrinkage=0.0,
            ).agents
            for c in hw.values
        ]  # fmt: skip
    forecast_seconds = time.perf_counter() - started
    # breaks and lunch are scheduled explicitly, so the requirement carries only the
    # shrinkage the schedule does not show (absence, training): 10%
    need = {q: [requirements.scheduled_for(n, 0.10) for n in v] for q, v in need.items()}
    print(f"forecast + requirements for {len(QUEUES)} queues: {forecast_seconds:.1f} s")
    for queue, (hw_wape, naive_wape) in wapes.items():
        print(
            f"  {queue}: holdout WAPE holt-winters {hw_wape:.3f}, seasonal naive {naive_wape:.3f}"
        )
    problem = scheduling.Problem(
        days=DAYS,
        interval_minutes=INTERVAL,
        requirement=need,
        templates=TEMPLATES,
        agents=agents(),
        time_limit_seconds=float(os.environ.get("BENCH_WFM_LIMIT", 50)),
    )
    print(
        f"scheduling {len(problem.agents)} agents, {DAYS} days, {per_day * DAYS} intervals of "
        f"{INTERVAL} min, {len(scheduling.variants(problem))} shift variants ...",
        flush=True,
    )
    result = scheduling.generate(problem)
    gap = result.coverage_gap
    print(
        f"  {len(result.shifts)} shifts in {result.seconds:.1f} s "
        f"(counts {result.phases['counts']:.1f} s, agents {result.phases['agents']:.1f} s; "
        f"solver {result.status}); unfilled shifts {result.unfilled_shifts}"
    )
    print(
        f"  required {result.required / 4:,.0f} agent-hours; short {result.under / 4:,.0f} h "
        f"(coverage gap {gap:.1%}), over {result.over / 4:,.0f} h"
    )
    ok = result.seconds <= 60
    print(f"  {harness.verdict(ok)}  schedule <= 60 s: {result.seconds:.1f} s")
    print(
        harness.summary(
            "wfm",
            agents=len(problem.agents),
            days=DAYS,
            interval_min=INTERVAL,
            schedule_s=result.seconds,
            shifts=len(result.shifts),
            required_h=round(result.required / 4),
            under_h=round(result.under / 4),
            over_h=round(result.over / 4),
            coverage_gap=f"{gap:.4f}",
            hw_wape=f"{sum(w[0] for w in wapes.values()) / len(wapes):.3f}",
            naive_wape=f"{sum(w[1] for w in wapes.values()) / len(wapes):.3f}",
        )
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
