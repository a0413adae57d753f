"""The lookup's circuit breaker: failures in a row open it; open, it refuses at once; after
its period one trial call decides. Pure: the tests pass the time."""

from routing.flows.circuit_breaker import Circuit, CircuitBreaker


def test_failures_in_a_row_open_the_circuit_and_a_success_between_them_resets_the_count():
    breaker = CircuitBreaker(threshold=3, open_seconds=30)
    breaker.failed(0)
    breaker.failed(1)
    breaker.succeeded()
    breaker.failed(2)
    breaker.failed(3)
    assert breaker.state(4) is Circuit.CLOSED and breaker.allows(4)

    breaker.failed(4)

    assert breaker.state(5) is Circuit.OPEN
    assert not breaker.allows(5)
    assert not breaker.allows(33.9)


def test_after_its_period_one_trial_goes_out_and_its_success_closes_the_circuit():
    breaker = CircuitBreaker(threshold=1, open_seconds=30)
    breaker.failed(0)

    assert breaker.allows(30)  # the trial
    assert not breaker.allows(30.1)  # nobody else while it is out
    breaker.succeeded()

    assert breaker.state(31) is Circuit.CLOSED
    assert breaker.allows(31) and breaker.allows(31)


def test_a_failed_trial_opens_the_circuit_for_another_period():
    breaker = CircuitBreaker(threshold=2, open_seconds=10)
    breaker.failed(0)
    breaker.failed(0)
    assert breaker.allows(10)

    breaker.failed(10.5)

    assert not breaker.allows(20)
    assert breaker.allows(20.5)
