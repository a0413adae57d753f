"""Volume forecasts per interval: Holt-Winters (weekly x intraday) and a seasonal-naive
baseline, with special days and a holdout accuracy (WAPE). Pure: lists of numbers in, lists
out, no Django; docs/wfm.md has every formula.

The series is whole local days of equal intervals (15 or 30 minutes), starting at midnight.
Holt-Winters is fitted to the *daily totals* (additive damped trend, multiplicative weekly season
of 7 days; statsmodels' ExponentialSmoothing) and each forecast day is spread over its intervals
by that weekday's *intraday profile* (the mean share of the day's contacts in each interval over
the recent weeks). Fitting a 672-long weekly season of 15-minute intervals directly would need
672 seasonal states from a few weeks of data; the split has 7 + one profile per weekday, which
is the weekly x intraday structure contact-center volumes have.

Special days (a holiday, a campaign) carry a factor: the day's volume is `factor` times a normal
day's. In the history a special day is divided by its factor before fitting (a closed day,
factor 0, is replaced by the same weekday a week earlier or later), and is left out of the
profiles; in the forecast the day is multiplied by its factor.
"""

import math
import warnings
from dataclasses import dataclass
from datetime import date, timedelta

METHODS = ("holt_winters", "seasonal_naive")
PROFILE_WEEKS = 6  # weeks of history each weekday's intraday profile averages


class NotEnoughHistory(ValueError):
    pass


@dataclass(frozen=True)
class Forecast:
    method: str
    first_day: date
    interval_minutes: int
    values: list[float]  # contacts per interval, len = days x intervals per day
    wape: float | None  # on the holdout (None: no holdout possible)
    holdout_days: int


def intervals_per_day(interval_minutes: int) -> int:
    if interval_minutes <= 0 or 1440 % interval_minutes:
        raise ValueError("the interval must divide the day")
    return 1440 // interval_minutes


def wape(actual: list[float], forecast: list[float]) -> float | None:
    """Weighted absolute percentage error: Σ|actual - forecast| ÷ Σ actual (None if no
    actual volume)."""
    total = sum(actual)
    if total <= 0:
        return None
    return sum(abs(a - f) for a, f in zip(actual, forecast, strict=True)) / total


def _days(values: list[float], per_day: int) -> list[list[float]]:
    if len(values) % per_day:
        raise ValueError("the history must be whole days")
    return [values[i : i + per_day] for i in range(0, len(values), per_day)]


def cleaned(
    values: list[float], first_day: date, per_day: int, special: dict[date, float]
) -> list[list[float]]:
    """The history as days, special days brought back to a normal day's level."""
    days = [list(d) for d in _days(values, per_day)]
    for i, day in enumerate(days):
        factor = special.get(first_day + timedelta(days=i))
        if factor is None:
            continue
        if factor > 0:
            days[i] = [v / factor for v in day]
            continue
        # closed: the same weekday of a neighbouring normal week stands in
        for j in (i - 7, i + 7, i - 14, i + 14):
            if 0 <= j < len(days) and first_day + timedelta(days=j) not in special:
                days[i] = list(days[j])
                break
    return days


def seasonal_naive(
    values: list[float],
    first_day: date,
    interval_minutes: int,
    horizon_days: int,
    special: dict[date, float] | None = None,
) -> list[float]:
    """Each forecast interval repeats the same interval one week earlier (the last observed
    week, repeated), times the day's special factor."""
    special = special or {}
    per_day = intervals_per_day(interval_minutes)
    days = cleaned(values, first_day, per_day, special)
    if len(days) < 7:
        raise NotEnoughHistory("the seasonal-naive forecast needs a week of history")
    last_week = days[-7:]
    start = first_day + timedelta(days=len(days))
    out: list[float] = []
    for k in range(horizon_days):
        factor = special.get(start + timedelta(days=k), 1.0)
        out.extend(v * factor for v in last_week[k % 7])
    return out


def intraday_profiles(
    days: list[list[float]], first_day: date, special: dict[date, float]
) -> dict[int, list[float]]:
    """Per weekday (0 = Monday), each interval's mean share of the day over the last
    PROFILE_WEEKS normal days of that weekday; a weekday never seen takes the overall one."""
    per_day = len(days[0]) if days else 0
    sums: dict[int, list[float]] = {}
    counts: dict[int, int] = {}
    overall = [0.0] * per_day
    for i in range(len(days) - 1, -1, -1):
        day = first_day + timedelta(days=i)
        total = sum(days[i])
        if day in special or total <= 0:
            continue
        weekday = day.weekday()
        shares = [v / total for v in days[i]]
        overall = [o + s for o, s in zip(overall, shares, strict=True)]
        if counts.get(weekday, 0) >= PROFILE_WEEKS:
            continue
        counts[weekday] = counts.get(weekday, 0) + 1
        sums[weekday] = [
            a + s for a, s in zip(sums.get(weekday, [0.0] * per_day), shares, strict=True)
        ]
    whole = sum(overall)
    flat = [o / whole for o in overall] if whole > 0 else [1.0 / max(per_day, 1)] * per_day
    return {w: ([s / counts[w] for s in sums[w]] if w in counts else flat) for w in range(7)}


def holt_winters_daily(totals: list[float], horizon_days: int) -> list[float]:
    """Daily totals forecast: additive damped trend, multiplicative weekly season (m = 7;
    additive when some day had no volume at all)."""
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    if len(totals) < 14:
        raise NotEnoughHistory("Holt-Winters needs two weeks of history")
    with warnings.catch_warnings():
        # convergence chatter from the optimiser is not the user's business; the holdout
        # WAPE shown beside the forecast is how good the fit is
        warnings.simplefilter("ignore")
        model = ExponentialSmoothing(
            totals,
            trend="add",
            damped_trend=True,
            # volumes scale with the level (a Sunday is a share of a Monday), so the weekly
            # season multiplies; a queue closed some weekday (a zero total) needs it added
            seasonal="mul" if min(totals) > 0 else "add",
            seasonal_periods=7,
            initialization_method="estimated",
        ).fit(use_brute=False)
        predicted = model.forecast(horizon_days)
    return [max(0.0, float(v)) if math.isfinite(v) else 0.0 for v in predicted]


def holt_winters(
    values: list[float],
    first_day: date,
    interval_minutes: int,
    horizon_days: int,
    special: dict[date, float] | None = None,
) -> list[float]:
    """Holt-Winters on the daily totals x the weekday's intraday profile."""
    special = special or {}
    per_day = intervals_per_day(interval_minutes)
    days = cleaned(values, first_day, per_day, special)
    totals = [sum(d) for d in days]
    daily = holt_winters_daily(totals, horizon_days)
    profiles = intraday_profiles(days, first_day, special)
    start = first_day + timedelta(days=len(days))
    out: list[float] = []
    for k, total in enumerate(daily):
        day = start + timedelta(days=k)
        factor = special.get(day, 1.0)
        out.extend(total * factor * share for share in profiles[day.weekday()])
    return out


def predict(
    method: str,
    values: list[float],
    first_day: date,
    interval_minutes: int,
    horizon_days: int,
    special: dict[date, float] | None = None,
) -> list[float]:
    if method == "holt_winters":
        return holt_winters(values, first_day, interval_minutes, horizon_days, special)
    if method == "seasonal_naive":
        return seasonal_naive(values, first_day, interval_minutes, horizon_days, special)
    raise ValueError(f"unknown method {method!r}; use one of {', '.join(METHODS)}")


def holdout_days_for(history_days: int) -> int:
    """A week held out when three are there (so the fit still sees two), else none."""
    return 7 if history_days >= 21 else 0


def forecast(
    method: str,
    values: list[float],
    first_day: date,
    interval_minutes: int,
    horizon_days: int,
    special: dict[date, float] | None = None,
) -> Forecast:
    """The forecast from all the history, with the WAPE the same method scored on the last
    week when it was fitted without it."""
    per_day = intervals_per_day(interval_minutes)
    history_days = len(values) // per_day
    holdout = holdout_days_for(history_days)
    score = None
    if holdout:
        cut = (history_days - holdout) * per_day
        try:
            guess = predict(method, values[:cut], first_day, interval_minutes, holdout, special)
        except NotEnoughHistory:
            guess = None
        if guess is not None:
            score = wape(values[cut:], guess)
    predicted = predict(method, values, first_day, interval_minutes, horizon_days, special)
    return Forecast(
        method=method,
        first_day=first_day + timedelta(days=history_days),
        interval_minutes=interval_minutes,
        values=predicted,
        wape=score,
        holdout_days=holdout,
    )


def reforecast_today(
    forecast_today: list[float], actual_so_far: list[float], *, smoothing: float = 1.0
) -> list[float]:
    """Intraday re-forecast: the intervals still to come scaled by how today has run so far,
    actual ÷ forecast over the elapsed intervals (1 when nothing was expected yet).
    `smoothing` in [0, 1] moves the factor only part of the way from 1 (0: keep the plan)."""
    elapsed = len(actual_so_far)
    expected = sum(forecast_today[:elapsed])
    ratio = sum(actual_so_far) / expected if expected > 0 else 1.0
    factor = 1.0 + smoothing * (ratio - 1.0)
    return list(actual_so_far) + [v * factor for v in forecast_today[elapsed:]]
