"""`manage.py check --deploy` is clean for a deployment as the README describes one: an https
PUBLIC_URL, a SECRET_KEY and an EMAIL_URL, and nothing else set. The embedded default (http
on 127.0.0.1) keeps cookies that work over plain http."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # starts processes: not in make test-fast

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = [
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_PROXY_SSL_HEADER",
]


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # Not the settings under test, nor the browser tests' leave to run the ORM from async code.
    left_out = {*SETTINGS, "DJANGO_ALLOW_ASYNC_UNSAFE", "FAST_PASSWORD_HASHING"}
    environment = {k: v for k, v in os.environ.items() if k not in left_out}
    environment |= {"DEBUG": "0", **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_under(**env: str) -> dict:
    names = json.dumps(SETTINGS)
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {names}}}))"
    )
    done = manage("shell", "-c", code, **env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_deploy_check_is_clean_with_an_https_public_url():
    done = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        PUBLIC_URL="https://contact.example.com",
        SECRET_KEY="k3$Zq-" + "x7Pv2mLr9Tw" * 6,
        EMAIL_URL="smtp+tls://mailer:secret@smtp.example.com:587",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_the_deploy_check_refuses_the_test_suites_fast_password_hashing():
    done = manage(
        "check",
        "--deploy",
        PUBLIC_URL="https://contact.example.com",
        SECRET_KEY="k3$Zq-" + "x7Pv2mLr9Tw" * 6,
        EMAIL_URL="smtp+tls://mailer:secret@smtp.example.com:587",
        FAST_PASSWORD_HASHING="1",
    )
    assert done.returncode != 0
    assert "contactcenter.E001" in done.stderr + done.stdout


def test_https_makes_cookies_secure_and_http_keeps_them_usable():
    secure = settings_under(
        PUBLIC_URL="https://contact.example.com", SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto"
    )
    plain = settings_under(PUBLIC_URL="http://127.0.0.1:8000")

    assert secure == {
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
    }
    assert plain == {
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "SECURE_SSL_REDIRECT": False,
        "SECURE_HSTS_SECONDS": 0,
        "SECURE_PROXY_SSL_HEADER": None,
    }
