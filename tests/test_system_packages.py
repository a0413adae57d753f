"""`make test` installs the Debian packages some tests drive, saying what and why before it
calls apt-get; where it cannot, one line says so and only those tests skip — never in CI."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests import system_packages

pytestmark = pytest.mark.slow  # starts processes: not in make test-fast

ROOT = Path(__file__).resolve().parent.parent
MISSING = "cowsay:/nonexistent/cowsay:tests/speech"  # a package this machine lacks


def make_system_packages(packages: str, *, ci: str = "", as_nobody: bool = False, tools=None):
    command = ["make", "-s", "-C", str(ROOT), "system-packages", f"SYSTEM_PACKAGES={packages}"]
    if as_nobody and os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("setpriv (util-linux) is needed to run make as another user")
        command = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", *command]
    env = {k: v for k, v in os.environ.items() if k != "CI"} | ({"CI": ci} if ci else {})
    if tools:  # stand-ins for system commands, and where apt-get's output is kept
        env |= {"PATH": f"{tools}:{env['PATH']}", "TMPDIR": str(tools)}
    return subprocess.run(command, cwd="/tmp", env=env, capture_output=True, text=True)


def test_installed_packages_are_left_alone_in_silence():
    done = make_system_packages("dash:/bin/sh:tests/anything")

    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_where_it_may_not_install_one_line_says_which_tests_skip():
    done = make_system_packages(MISSING, as_nobody=True)

    assert done.returncode == 0, done.stderr
    assert done.stdout == "cannot install cowsay (not root): skipping tests/speech\n"


def test_in_ci_a_package_it_cannot_install_stops_the_run():
    done = make_system_packages(MISSING, ci="1", as_nobody=True)

    assert done.returncode != 0
    assert "cannot install cowsay (not root), and CI runs every test" in done.stderr


@pytest.mark.skipif(os.geteuid() != 0, reason="apt-get runs only as root")
def test_it_says_what_it_installs_before_apt_get_runs(tmp_path):
    # apt-get as it answers without a network: the real one would install.
    (tmp_path / "apt-get").write_text(
        '#!/bin/sh\necho "apt-get $*" >> "$(dirname "$0")/calls"\n'
        'echo "E: Failed to fetch http://deb.debian.org/debian/dists/trixie/InRelease"\nexit 100\n'
    )
    (tmp_path / "apt-get").chmod(0o755)

    done = make_system_packages(MISSING, tools=tmp_path)

    assert done.returncode == 0, done.stderr
    said, refused = done.stdout.splitlines()
    assert said == "installing Debian's cowsay with apt-get, for tests/speech"
    assert refused.startswith(
        "cannot install cowsay (apt-get failed: E: Failed to fetch http://deb.debian.org/"
    ) and refused.endswith("): skipping tests/speech")
    assert (tmp_path / "calls").read_text() == "apt-get update -qq\n"


def test_a_test_needing_a_missing_package_skips_outside_ci_and_fails_in_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="/nonexistent/cowsay is missing"):
        system_packages.require("/nonexistent/cowsay", "cowsay")

    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI runs every test"):
        system_packages.require("/nonexistent/cowsay", "cowsay")
