"""A serving process starts ready: what its first customers would otherwise wait for is built
before it serves (contactcenter/startup.py)."""

import pytest

from tests import fresh_interpreter

pytestmark = pytest.mark.slow  # starts a process: not in make test-fast


def test_a_started_server_has_built_what_its_first_chat_message_and_offer_would_build():
    started = (
        "import django; django.setup();"
        "from channels.layers import channel_layers;"
        "from contactcenter import startup; from contactcenter.knowledge import sentiment;"
        "startup.done();"
        "built = (sentiment.analyser.cache_info().currsize, 'default' in channel_layers.backends);"
        "sentiment.score('my order never came and nobody answers');"
        "print(built, sentiment.analyser.cache_info().misses)"
    )
    done = fresh_interpreter.run(started)
    assert done.returncode == 0, done.stderr[-2000:]
    # Built at the start, once: the first message's score finds the lexicon there.
    assert done.stdout.strip().splitlines()[-1] == "(1, True) 1"
