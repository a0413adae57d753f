"""The zygote the test servers fork from (tests/zygote.py) runs a script as `python script`
would: the environment, arguments, output and exit status are the child's own."""

import signal
import time

import pytest

from tests import zygote

pytestmark = pytest.mark.slow  # starts processes: not in make test-fast

SCRIPT = """
import os, sys, time
print("argv", sys.argv[1:], "settings", os.environ.get("DJANGO_SETTINGS_MODULE"))
print("setting", os.environ["A_SETTING"], "django loaded", "django.conf" in sys.modules)
sys.stdout.flush()
if sys.argv[1] == "wait":
    time.sleep(60)
sys.exit(int(sys.argv[1]))
"""


@pytest.fixture
def script(tmp_path):
    path = tmp_path / "script.py"
    path.write_text(SCRIPT)
    return path


def test_a_forked_script_has_its_own_environment_arguments_output_and_exit_status(script, tmp_path):
    log = tmp_path / "out.log"
    log.write_text("left from before\n")

    child = zygote.spawn([str(script), "3"], env={"A_SETTING": "one"}, log=log, cwd=tmp_path)

    assert child.wait(timeout=30) == 3
    assert log.read_text().splitlines() == [
        "argv ['3'] settings None",
        "setting one django loaded True",  # the libraries were there before it ran
    ]


def test_a_forked_process_stops_on_sigterm_as_any_process_does(script, tmp_path):
    log = tmp_path / "out.log"
    log.write_text("the server's last run\n")
    child = zygote.spawn([str(script), "wait"], env={"A_SETTING": "two"}, log=log, append=True)
    while "setting two" not in log.read_text():
        assert child.poll() is None, log.read_text()
        time.sleep(0.02)

    child.terminate()

    assert child.wait(timeout=30) == -signal.SIGTERM
    assert log.read_text().startswith("the server's last run\n")  # appended to
    child.terminate()  # a second time: it is gone, nothing is signalled
    assert zygote.Zygote.get().process.poll() is None  # the zygote itself lives on
