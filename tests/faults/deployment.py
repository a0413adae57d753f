"""A production-shaped deployment for fault drills: a PostgreSQL and a Redis of its own, web
server processes, worker processes, the demo tenant — every part a real process that a test
can kill, stop or restart. Clients talk to it over HTTP and WebSockets only."""

import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import psycopg
from twilio.request_validator import RequestValidator

from tests import zygote
from tests.faults.services import Postgres, Redis, free_port
from tests.runs import run_id

ROOT = Path(__file__).resolve().parents[2]
# One folder per xdist worker: a deployment starts by emptying it, and never another's.
OUTPUT = ROOT / "test-output" / "faults" / os.environ.get("PYTEST_XDIST_WORKER", "main")
PASSWORD = "contact-center"  # the demo tenant's logins (README)
TWILIO_TOKEN = "demo-twilio-token"  # the demo tenant's (CONTRACT.md)
TWILIO_NUMBER = "+15005550006"


class Process:
    def __init__(self, name: str, args: list[str], env: dict[str, str], port: int | None = None):
        self.name, self.args, self.env, self.port = name, args, env, port
        self.log = OUTPUT / f"{name}.log"
        self.popen: zygote.Forked | None = None

    def start(self) -> "Process":
        OUTPUT.mkdir(parents=True, exist_ok=True)
        self.popen = zygote.spawn(self.args, env=self.env, log=self.log, append=True)
        if self.port:
            wait_healthy(self.base, self.popen, self.log)
        return self

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def kill(self) -> None:
        """SIGKILL: no goodbye to anyone, as in a crash or an OOM kill."""
        if self.popen and self.popen.poll() is None:
            self.popen.kill()
            self.popen.wait(30)

    def stop(self) -> int | None:
        if self.popen and self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(30)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(30)
        return self.popen.returncode if self.popen else None


def wait_healthy(base: str, popen: zygote.Forked, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if popen.poll() is not None:
            raise AssertionError(f"{base} exited; see {log}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=3) as response:
                if response.status == 200:
                    return
        except (OSError, urllib.error.HTTPError):
            pass
        time.sleep(0.05)
    raise AssertionError(f"{base} never became healthy; see {log}")


def environment(pg: Postgres, var: Path, **settings: str) -> dict[str, str]:
    """A deployment's processes' environment: this process's, on the deployment's services."""
    inherited = {
        k: v
        for k, v in os.environ.items()
        if k not in ("TEST_DATABASE_NAME", "PGDATABASE", "DATABASE_OWNER_URL")
    }
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "contactcenter.settings",
        "DATABASE_URL": pg.url("contactcenter"),
        "VAR_DIR": str(var),
        "LOG_LEVEL": "INFO",
        "DATABASE_POOL_SIZE": "10",
        # every simulated customer comes from 127.0.0.1
        "WEBCHAT_MESSAGES_PER_IP_PER_MINUTE": "100000",
        **settings,
    }


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode:
        raise AssertionError(f"manage.py {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def demo_template() -> Path:
    """A stopped cluster holding the demo tenant, migrated and seeded, with the VAR_DIR it was
    seeded with (its secret key seals the demo's texts): made once per test run, under a lock
    the run's xdist workers share, and copied by every deployment — migrate and seed_demo cost
    ~10 s of CPU a deployment. The run's controller removes it (`remove_demo_template`)."""
    TEMPLATES.mkdir(parents=True, exist_ok=True)
    template = TEMPLATES / f"run-{run_id()}"
    with (TEMPLATES / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (template / "ready").exists():
            return template
        for stale in TEMPLATES.glob("run-*"):  # of runs that were killed
            if not _alive(int(stale.name.removeprefix("run-"))):
                shutil.rmtree(stale, ignore_errors=True)
        shutil.rmtree(template, ignore_errors=True)
        pg = Postgres()
        try:
            pg.start()
            pg.create_database("contactcenter")
            var = pg.root / "var"
            env = environment(pg, var, REDIS_URL="")  # nothing of it reaches a shared Redis
            manage(env, "migrate", "--noinput")
            manage(env, "seed_demo")
            pg.stop()
            template.mkdir()
            subprocess.run(["cp", "-a", str(pg.data), str(var), str(template)], check=True)
            (template / "ready").touch()
        finally:
            pg.remove()
    return template


TEMPLATES = Path(tempfile.gettempdir()) / "cc-faults-templates"


def remove_demo_template() -> None:
    shutil.rmtree(TEMPLATES / f"run-{run_id()}", ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's, alive
        pass
    return True


class Deployment:
    def __init__(self, **settings: str):
        shutil.rmtree(OUTPUT, ignore_errors=True)
        OUTPUT.mkdir(parents=True, exist_ok=True)
        template = demo_template()
        self.var = Path(tempfile.mkdtemp(prefix="cc-faults-var-"))
        shutil.copytree(template / "var", self.var, dirs_exist_ok=True)
        self.pg, self.redis = Postgres(copy_of=template / "data"), Redis()
        self.pg.start()
        self.redis.start()
        self.public_port = free_port()
        self.env = environment(
            self.pg,
            self.var,
            REDIS_URL=self.redis.url,
            PUBLIC_URL=f"http://127.0.0.1:{self.public_port}",
            **settings,
        )
        self.processes: list[Process] = []

    def manage(self, *args: str) -> str:
        return manage(self.env, *args)

    def server(self, name: str, *, public: bool = False, workers: bool = False) -> Process:
        """A web server (`serve`): HTTP and WebSockets, with or without the loops inside."""
        port = self.public_port if public else free_port()
        args = ["manage.py", "serve", "--port", str(port), "--smtp-port", "0"]
        if not workers:
            args.append("--no-workers")
        return self._add(Process(name, args, self.env, port).start())

    def workers(self, name: str, *args: str) -> Process:
        return self._add(
            Process(name, ["manage.py", "run_workers", "--name", name, *args], self.env).start()
        )

    def _add(self, process: Process) -> Process:
        self.processes.append(process)
        return process

    def sql(self, query: str, params: tuple = ()) -> list[tuple]:
        with psycopg.connect(self.pg.url("contactcenter"), autocommit=True) as conn:
            cursor = conn.execute(query, params)
            return cursor.fetchall() if cursor.description else []

    def texts(self, event_type: str) -> dict[str, int]:
        """How often each text appears in the log's events of `event_type`, read through the
        store: message text is sealed in the rows (privacy)."""
        script = (
            "import collections, json; from contactcenter.events import store; "
            f"print(json.dumps(collections.Counter(e.data['text'] for batch in "
            f"store.iter_all(horizon=False) for e in batch if e.type == {event_type!r})))"
        )
        return json.loads(self.manage("shell", "-c", script).strip().splitlines()[-1])

    def close(self) -> None:
        for process in self.processes:
            process.stop()
        self.pg.remove()
        self.redis.remove()
        shutil.rmtree(self.var, ignore_errors=True)


# -- clients' HTTP ------------------------------------------------------------------------------


def log_in(base: str, username: str, password: str = PASSWORD) -> str:
    """A browser's login; returns the Cookie header its requests then carry."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    # Setup, not a figure: a fresh server's first pages (imports, password hashing) can take a
    # while on a loaded 2-core machine.
    page = opener.open(f"{base}/accounts/login/", timeout=60).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": token}
    ).encode()
    request = urllib.request.Request(
        f"{base}/accounts/login/", data=form, headers={"Referer": f"{base}/accounts/login/"}
    )
    opener.open(request, timeout=60)
    cookies = {c.name: c.value for c in jar}
    assert "sessionid" in cookies, f"{username} could not log in"
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def http(method: str, url: str, body: bytes | None = None, headers: dict | None = None):
    """(status, headers, body) — a 4xx/5xx is an answer too, not an exception."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def twilio_sms(public_url: str, base: str, sid: str, sender: str, text: str):
    """Twilio's Messaging webhook, signed over the public URL with the demo auth token."""
    params = {
        "MessageSid": sid,
        "SmsSid": sid,
        "AccountSid": "AC" + "0" * 32,
        "From": sender,
        "To": TWILIO_NUMBER,
        "Body": text,
        "NumMedia": "0",
        "NumSegments": "1",
        "SmsStatus": "received",
        "ApiVersion": "2010-04-01",
    }
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(
        f"{public_url}/hooks/twilio/sms/", params
    )
    return http(
        "POST",
        f"{base}/hooks/twilio/sms/",
        urllib.parse.urlencode(params).encode(),
        {"X-Twilio-Signature": signature, "Content-Type": "application/x-www-form-urlencoded"},
    )


def widget_session(base: str, token: str | None = None):
    body = {"channel": "demo", **({"token": token} if token else {})}
    return http(
        "POST",
        f"{base}/widget/session/",
        json.dumps(body).encode(),
        {"Content-Type": "application/json", "Origin": base},
    )
