"""Forecasts recover a known synthetic seasonality (weekly x intraday with a trend); the
seasonal-naive baseline, special days, WAPE and the intraday re-forecast by hand."""

import math
import random
from datetime import date, timedelta

import pytest

from wfm import forecasting

FIRST = date(2026, 1, 5)  # a Monday
PER_DAY = 48  # 30-minute intervals
WEEK = [1.0, 0.9, 0.95, 1.05, 1.1, 0.5, 0.3]


def shape(i: int) -> float:
    return math.exp(-(((i - 20) / 5) ** 2)) + 0.6 * math.exp(-(((i - 32) / 4) ** 2)) + 0.01


SHAPE = [shape(i) for i in range(PER_DAY)]
TOTAL = sum(SHAPE)


def truth(day: int, i: int) -> float:
    """Expected contacts: 4,000 a day growing 0.3% a day, times weekday, times intraday."""
    return (
        4000 * (1 + 0.003 * day) * WEEK[(FIRST + timedelta(days=day)).weekday()] * SHAPE[i] / TOTAL
    )


def observed(days: int, seed: int = 7) -> list[float]:
    rng = random.Random(seed)
    return [
        max(0.0, rng.gauss(truth(d, i), math.sqrt(truth(d, i))))
        for d in range(days)
        for i in range(PER_DAY)
    ]


def test_holt_winters_recovers_the_weekly_and_intraday_seasonality():
    history = observed(42)
    result = forecasting.forecast("holt_winters", history, FIRST, 30, 14)
    expected = [truth(42 + d, i) for d in range(14) for i in range(PER_DAY)]
    assert len(result.values) == 14 * PER_DAY
    assert result.first_day == FIRST + timedelta(days=42)
    # within a few percent of the truth, interval by interval
    assert forecasting.wape(expected, result.values) < 0.05
    # the weekly shape: each forecast day's total against the true one
    for d in range(14):
        got = sum(result.values[d * PER_DAY : (d + 1) * PER_DAY])
        want = sum(expected[d * PER_DAY : (d + 1) * PER_DAY])
        assert got == pytest.approx(want, rel=0.04)
    # the intraday shape: the peak interval is found
    monday = result.values[:PER_DAY]
    assert abs(monday.index(max(monday)) - 20) <= 1
    # the trend is carried: the second week is above the first
    assert sum(result.values[7 * PER_DAY :]) > sum(result.values[: 7 * PER_DAY])
    # against the noisy actuals of the held-out week (Poisson noise alone is ~7% here)
    assert result.holdout_days == 7 and result.wape < 0.12


def test_holt_winters_beats_the_seasonal_naive_baseline_on_noise():
    history = observed(42, seed=3)
    expected = [truth(42 + d, i) for d in range(7) for i in range(PER_DAY)]
    hw = forecasting.forecast("holt_winters", history, FIRST, 30, 7)
    naive = forecasting.forecast("seasonal_naive", history, FIRST, 30, 7)
    assert forecasting.wape(expected, hw.values) < forecasting.wape(expected, naive.values)
    assert hw.wape < naive.wape  # on the holdout too


def test_seasonal_naive_repeats_last_week():
    history = [float(i % 7 + d) for d in range(14) for i in range(PER_DAY)]
    out = forecasting.seasonal_naive(history, FIRST, 30, 8)
    assert out[: 7 * PER_DAY] == history[7 * PER_DAY :]
    assert out[7 * PER_DAY :] == history[7 * PER_DAY : 8 * PER_DAY]


def test_special_days_are_divided_out_and_multiplied_in():
    history = observed(35)
    closed = FIRST + timedelta(days=30)  # a holiday in the history
    future = FIRST + timedelta(days=37)  # a campaign day ahead, twice the volume
    for i in range(PER_DAY):
        history[30 * PER_DAY + i] = 0.0
    plain = forecasting.holt_winters(history, FIRST, 30, 7, {closed: 0.0})
    special = forecasting.holt_winters(history, FIRST, 30, 7, {closed: 0.0, future: 2.0})
    day2 = slice(2 * PER_DAY, 3 * PER_DAY)
    assert sum(special[day2]) == pytest.approx(2 * sum(plain[day2]))
    expected = [truth(35 + d, i) for d in range(7) for i in range(PER_DAY)]
    assert forecasting.wape(expected, plain) < 0.06  # the closed day did not drag it down


def test_too_little_history_is_said():
    with pytest.raises(forecasting.NotEnoughHistory):
        forecasting.holt_winters([1.0] * PER_DAY * 10, FIRST, 30, 7)
    with pytest.raises(forecasting.NotEnoughHistory):
        forecasting.seasonal_naive([1.0] * PER_DAY * 5, FIRST, 30, 7)


def test_wape_by_hand():
    assert forecasting.wape([10, 20, 30], [12, 18, 30]) == pytest.approx(4 / 60)
    assert forecasting.wape([0, 0], [1, 1]) is None


def test_the_intraday_reforecast_scales_the_rest_of_the_day():
    planned = [10.0, 10.0, 20.0, 20.0]
    # 30 arrived where 20 were expected: the rest of the day x1.5
    assert forecasting.reforecast_today(planned, [14, 16]) == [14, 16, 30.0, 30.0]
    assert forecasting.reforecast_today(planned, [14, 16], smoothing=0.5) == [14, 16, 25.0, 25.0]
    assert forecasting.reforecast_today(planned, []) == planned
