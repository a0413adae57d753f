"""One settings module; every knob comes from the environment (see the README's table)."""

import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def env_float(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


def _persistent_secret_key() -> str:
    """The embedded default keeps its generated key in var/ so sessions survive restarts."""
    path = VAR_DIR / "secret-key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY") or _persistent_secret_key()
# Keys SECRET_KEY replaced, whitespace-separated: what they signed (sessions, tokens) and the
# privacy KEK derived from them (contactcenter/privacy/kek.py) still open (docs/privacy.md).
SECRET_KEY_FALLBACKS = os.environ.get("SECRET_KEY_FALLBACKS", "").split()
# Unset, `manage.py serve` makes it http://HOST:PORT where it listens (contactcenter/public_url.py)
PUBLIC_URL = (os.environ.get("PUBLIC_URL") or "http://127.0.0.1:8000").rstrip("/")

_public_host = urlsplit(PUBLIC_URL).hostname or "127.0.0.1"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", f"127.0.0.1,localhost,[::1],testserver,{_public_host}")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", PUBLIC_URL)

# Content-Security-Policy on every page (docs/security.md): only the platform's own scripts
# and styles run, inline ones only with the response's nonce; nothing may frame a page (the
# widget's frame sets a policy of its own, channels_adapters/webchat/views.py). The console
# widens img-src so an agent may load an e-mail's remote images, one message at a time.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# HTTPS (docs/security.md). Served over https, as an https PUBLIC_URL says: cookies go only
# over TLS, plain http is redirected (the health probe excepted), and browsers are told to
# stay on https for a year. Behind a proxy that ends TLS, name the header it sets
# (SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto) or the redirect never ends.
_HTTPS = PUBLIC_URL.startswith("https://")
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", _HTTPS)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", _HTTPS)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", _HTTPS)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600 if _HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", _HTTPS)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", _HTTPS)
if os.environ.get("SECURE_PROXY_SSL_HEADER"):
    _header = "HTTP_" + os.environ["SECURE_PROXY_SSL_HEADER"].upper().replace("-", "_")
    SECURE_PROXY_SSL_HEADER = (_header, "https")

INSTALLED_APPS = [
    "daphne",  # first, so `runserver` is the ASGI one
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "import_export",
    "contactcenter",
    "contactcenter.events",
    "contactcenter.workers",
    "contactcenter.interactions",
    "crm",
    "routing",
    "contactcenter.console",
    "contactcenter.inbox",
    "contactcenter.search",
    "contactcenter.labels",
    "contactcenter.followups",
    "channels_adapters.webchat",
    "routing.flows",
    "channels_adapters.twilio",
    "channels_adapters.sms",
    "channels_adapters.voice",
    "channels_adapters.email",
    "contactcenter.api",
    "contactcenter.webhooks",
    "channels_adapters.slack",
    "channels_adapters.whatsapp",
    "channels_adapters.messenger",
    "contactcenter.kpis",
    "contactcenter.supervisor",
    "wfm",
    "contactcenter.quality",
    "contactcenter.scripts",
    "contactcenter.knowledge",
    "outbound",
    "contactcenter.privacy",
    "django_otp",
    "django_otp.plugins.otp_totp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "contactcenter.roles.OneRequestMiddleware",  # who the user is, asked once per request
    # TOTP for admins and supervisors (contactcenter/privacy/two_factor.py, STAFF_TWO_FACTOR)
    "django_otp.middleware.OTPMiddleware",
    "contactcenter.privacy.two_factor.StaffTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # near the views: it answers a locked-out login
    # last: its process_exception sees views' exceptions first (503, not 500, in an outage)
    "contactcenter.outage.DatabaseOutageMiddleware",
]

ROOT_URLCONF = "contactcenter.urls"
ASGI_APPLICATION = "contactcenter.asgi.application"
WSGI_APPLICATION = "contactcenter.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _database() -> dict:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'contactcenter.sqlite3'}"
    db = dj_database_url.parse(url)
    if db["ENGINE"] == "django.db.backends.sqlite3":
        Path(db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        # WAL lets readers work beside the writer; IMMEDIATE takes the write lock at BEGIN,
        # so concurrent writers queue on busy_timeout instead of failing "database is locked".
        db["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    elif db["ENGINE"] == "django.db.backends.postgresql":
        # Under ASGI, psycopg's pool rather than CONN_MAX_AGE (DESIGN.md).
        if env_bool("DATABASE_POOL", True):
            from contactcenter.pooled_connections import check_on_checkout

            # Django's backend with a pool that hands out the connection used last.
            db["ENGINE"] = "contactcenter.postgresql"
            db["OPTIONS"] = {
                "pool": {
                    "min_size": 1,
                    "max_size": env_int("DATABASE_POOL_SIZE", 20),
                    # A pooled connection may have died with a database restart: checked on
                    # checkout, so a request never gets a dead one; by its socket, and by an
                    # empty round trip only where the socket has something to say. It goes
                    # out at the database's isolation level, whatever its last user set.
                    "check": check_on_checkout,
                    # How long a request waits for a connection before it is told 503.
                    "timeout": env_float("DATABASE_POOL_TIMEOUT", 5.0),
                    # psycopg retries a failed connect with doubling pauses for this long;
                    # the next request that waits starts again at once. Short, so a database
                    # that is back is used within seconds, not after a long pause.
                    "reconnect_timeout": env_float("DATABASE_RECONNECT_SECONDS", 5.0),
                }
            }
            if env_bool("DATABASE_BEGIN_WITH_FIRST_STATEMENT", False):
                # A transaction's BEGIN sent with its first statement, in one round trip:
                # worth it where PostgreSQL is a network hop away (docs/deploy.md).
                from contactcenter.postgresql import first_statement

                db["OPTIONS"]["pool"]["connection_class"] = first_statement.Connection
        db["CONN_MAX_AGE"] = 0
        # Parameters sent beside the statement, not quoted into it in Python: every statement
        # cost 10-15 us less of the server's CPU (issue 18).
        db.setdefault("OPTIONS", {})["server_side_binding"] = env_bool(
            "DATABASE_SERVER_SIDE_BINDING", True
        )
        # A statement a connection has run this many times is prepared: parsed and planned
        # once, not at every run (Django turns psycopg's preparing off for the sake of
        # poolers that share sessions; ours is psycopg's own, a session each). Issue 18.
        threshold = os.environ.get("DATABASE_PREPARE_THRESHOLD", "5").strip().lower()
        db["OPTIONS"]["prepare_threshold"] = None if threshold in {"off", ""} else int(threshold)
        if db["OPTIONS"]["server_side_binding"]:
            from contactcenter import prepared_statements

            db["OPTIONS"]["cursor_factory"] = prepared_statements.cursor_factory()
    test_name = os.environ.get("TEST_DATABASE_NAME")
    if not test_name and db["ENGINE"] == "django.db.backends.sqlite3":
        # A file, not memory: end-to-end tests run the server as a separate process.
        test_name = str(VAR_DIR / "test-contactcenter.sqlite3")
    db["TEST"] = {"NAME": test_name} if test_name else {}
    return db


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Threads a server process runs its sockets' database work on (contactcenter/db_threads.py):
# two keep its one core busy while a call waits on PostgreSQL; more fight for the GIL.
DATABASE_THREADS = env_int("DATABASE_THREADS", 2)
# Threads for HTTP requests' sync views (contactcenter/request_thread.py): as many as the
# connections they may hold, since a view may wait long (the feed's long poll). Where only
# DATABASE_THREADS is set, it sizes both, as it did before.
REQUEST_THREADS = env_int(
    "REQUEST_THREADS", env_int("DATABASE_THREADS", env_int("DATABASE_POOL_SIZE", 20))
)

REDIS_URL = os.environ.get("REDIS_URL", "")
# Everything the channel layer names in Redis starts with this: processes sharing a Redis share
# pushes only under one prefix. Parallel test workers (pytest-xdist names each in
# PYTEST_XDIST_WORKER) get one each, so one worker's pushes never reach another's sockets.
REDIS_PREFIX = os.environ.get("REDIS_PREFIX") or "asgi" + os.environ.get("PYTEST_XDIST_WORKER", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            # Pub/sub: Redis pushes each message to the processes subscribed to its group.
            # The list-based RedisChannelLayer pops one message at a time per process, with two
            # round trips each, and under load its deliveries queue for seconds. Pub/sub
            # delivers at most once, which is all a push promises (DESIGN.md: the log is the
            # truth and clients resync).
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            # redis-py 8 gives sockets a 5 s read timeout and caps a pool at 100 connections
            # (raising beyond): reads must outlast an idle spell, bursts must not fail.
            "CONFIG": {
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "socket_timeout": 30,
                        "socket_connect_timeout": 5,
                        "max_connections": env_int("REDIS_MAX_CONNECTIONS", 1000),
                    }
                ],
                "prefix": REDIS_PREFIX,
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Login throttling (django-axes; docs/security.md): LOGIN_FAILURE_LIMIT wrong passwords for
# one account from one address lock that pair out for LOGIN_LOCKOUT_MINUTES. Per pair, so
# agents behind one office address do not lock each other out, and a guesser elsewhere cannot
# lock an agent out of the office.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15)
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Behind N proxies that each append the address they saw to X-Forwarded-For, the client is the
# N-th address from the right (left of that, anyone can write anything). 0: REMOTE_ADDR.
LOGIN_PROXY_COUNT = env_int("LOGIN_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "contactcenter.login_addresses.client_address"
AXES_ALLOWED_CORS_ORIGINS = PUBLIC_URL

# The password policy (docs/privacy.md): long, not like the user's name, not a common one, not
# only digits.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("PASSWORD_MIN_LENGTH", 12)},
    },
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Test suites only: PBKDF2's 1.2 million rounds cost about half a second of CPU per password set
# or checked, which a suite that logs people in hundreds of times cannot afford. Never in
# production: `manage.py check --deploy` refuses it (contactcenter/checks.py).
FAST_PASSWORD_HASHING = env_bool("FAST_PASSWORD_HASHING", False)
FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
if FAST_PASSWORD_HASHING:
    PASSWORD_HASHERS = FAST_PASSWORD_HASHERS

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "templates" / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"

# The REST API (contactcenter/api, docs/api.md).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "contactcenter.api.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["contactcenter.api.permissions.IsAgent"],
    "DEFAULT_PARSER_CLASSES": [
        "contactcenter.api.parsers.StrictJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "contactcenter.api.errors.handle",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Contact center API",
    "DESCRIPTION": "Interactions, customers, queues, agents, commands and the event feed. "
    "Authenticate with `Authorization: Token <key>` (Django admin → API tokens).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "contactcenter.api.schema.add_error_responses",
    ],
}
# 1: every appending transaction NOTIFYs event-feed long-polls in other processes (PostgreSQL),
# at the price of serialising commits; 0 (default): they notice within a second.
EVENT_FEED_NOTIFY = env_bool("EVENT_FEED_NOTIFY", False)

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/console/"

# Telephone numbers without a country prefix are read in this region (phonenumbers).
DEFAULT_PHONE_REGION = os.environ.get("DEFAULT_PHONE_REGION", "US")
# Voice media on the platform (docs/voice.md): a call's token is good this long after the
# TwiML that carries it; a browser's WebRTC leg must finish ICE this fast or it is ended;
# ICE servers (STUN/TURN for agents behind NAT) as RTCIceServer JSON; hold music, any file
# FFmpeg reads (empty: a chime made in code).
VOICE_MEDIA_TOKEN_SECONDS = env_int("VOICE_MEDIA_TOKEN_SECONDS", 120)
VOICE_ICE_TIMEOUT_SECONDS = env_float("VOICE_ICE_TIMEOUT_SECONDS", 15.0)
VOICE_ICE_SERVERS = os.environ.get("VOICE_ICE_SERVERS", "[]")
# Calls from the widget (/ws/webcall/) a visitor, and one IP address (an office NAT shares
# it), may place an hour, per server process; more are answered `rate_limited`.
WEBCALL_CALLS_PER_VISITOR_PER_HOUR = env_int("WEBCALL_CALLS_PER_VISITOR_PER_HOUR", 10)
WEBCALL_CALLS_PER_IP_PER_HOUR = env_int("WEBCALL_CALLS_PER_IP_PER_HOUR", 60)
VOICE_HOLD_MUSIC = os.environ.get("VOICE_HOLD_MUSIC", "")
# Call recordings: where in the default storage (STORAGES) they go, and how many days they are
# kept (0: no limit of its own). The days are one more "recordings" retention policy for every
# channel (contactcenter/privacy/retention.py): the retention loop deletes older files and
# records each deletion; a shorter policy in admin wins.
VOICE_RECORDINGS_PATH = os.environ.get("VOICE_RECORDINGS_PATH", "recordings")
VOICE_RECORDING_RETENTION_DAYS = env_int("VOICE_RECORDING_RETENTION_DAYS", 0)
# A closed interaction that hears from its customer again within this window is reopened;
# later, a new interaction linked to the old one starts.
REOPEN_WINDOW_SECONDS = env_int("REOPEN_WINDOW_SECONDS", 7 * 24 * 3600)
# KPIs (docs/kpis.md): abandons quicker than this are "short"; a resolved contact whose
# customer does not come back within the window counts as resolved first time.
# Visitors behind one address (an office NAT) share this budget; each visitor also has
# its channel's own messages-per-minute limit.
WEBCHAT_MESSAGES_PER_IP_PER_MINUTE = env_int("WEBCHAT_MESSAGES_PER_IP_PER_MINUTE", 120)
# Background loops (contactcenter/workers): a loop failing (or stuck in one round) this long
# makes /healthz answer 503; failing this long, its process exits non-zero to be restarted.
WORKER_UNHEALTHY_SECONDS = env_float("WORKER_UNHEALTHY_SECONDS", 30.0)
WORKER_GIVE_UP_SECONDS = env_float("WORKER_GIVE_UP_SECONDS", 300.0)
# A loop woken by commits (the router, webhook deliveries, the catch-up projections, the
# outbox, CSAT surveys) starts a round at most this often: commits in between are taken
# together, so a busy center pays for one claim of its agents per round rather than one per
# arrival (workers/loop.py). The most a wake-up waits; after a quiet spell a round starts at
# once.
WAKE_GATHER_SECONDS = env_float("WAKE_GATHER_SECONDS", 0.1)
# Presence follows the console (routing/consoles.py): the server pings every socket this often
# and drops one that has not answered for the timeout; an agent whose last console is gone gets
# no offers, and is offline after the grace unless one comes back (a reload does); a server
# process holds its sockets under a lease it renews, so a crashed one's agents drop too.
WEBSOCKET_PING_SECONDS = env_int("WEBSOCKET_PING_SECONDS", 5)
WEBSOCKET_PING_TIMEOUT_SECONDS = env_int("WEBSOCKET_PING_TIMEOUT_SECONDS", 10)
CONSOLE_GRACE_SECONDS = env_int("CONSOLE_GRACE_SECONDS", 60)
CONSOLE_LEASE_SECONDS = env_int("CONSOLE_LEASE_SECONDS", 15)
# 0: `manage.py serve` runs no router loop (a `run_workers` process routes).
EMBEDDED_ROUTER = env_bool("EMBEDDED_ROUTER", True)
# The agent console asks for a fresh snapshot at least this often (a lost push is repaired).
CONSOLE_RESYNC_SECONDS = env_int("CONSOLE_RESYNC_SECONDS", 30)
# The text-search configuration of the search projection on PostgreSQL (english, german,
# simple, …): a change applies to texts indexed after it (rebuild_projections search).
SEARCH_LANGUAGE = os.environ.get("SEARCH_LANGUAGE", "english")
# A command retries a concurrency conflict with jittered backoff for this long before the
# caller hears of it (contactcenter/commands.py).
COMMAND_RETRY_SECONDS = env_float("COMMAND_RETRY_SECONDS", 10.0)
# "E-mail me this conversation": mails (links to confirm an address included) a conversation
# may send, and requests a server process takes from one IP address an hour.
WEBCHAT_TRANSCRIPTS_PER_CONVERSATION = env_int("WEBCHAT_TRANSCRIPTS_PER_CONVERSATION", 3)
WEBCHAT_TRANSCRIPTS_PER_IP_PER_HOUR = env_int("WEBCHAT_TRANSCRIPTS_PER_IP_PER_HOUR", 10)
KPI_SHORT_ABANDON_SECONDS = env_int("KPI_SHORT_ABANDON_SECONDS", 5)
# Blended agents (outbound/blending.py): an agent idle this long, with no inbound work waiting,
# may be given outbound work; the router, which offers at once, always gets the first chance.
OUTBOUND_IDLE_SECONDS = env_float("OUTBOUND_IDLE_SECONDS", 15.0)
KPI_FCR_WINDOW_HOURS = env_int("KPI_FCR_WINDOW_HOURS", 72)
# Satisfaction surveys (docs/channels.md): the channels that ask for a rating when an agent's
# conversation ends, and how long a texted digit, a mail's link or a button still counts.
CSAT_SURVEY_CHANNELS = env_list("CSAT_SURVEY_CHANNELS", "sms,email,slack,voice")
CSAT_SURVEY_WINDOW_HOURS = env_int("CSAT_SURVEY_WINDOW_HOURS", 72)
# Cost per contact (docs/kpis.md): what an agent's handle hour costs, and one billable unit of
# each channel (an SMS segment, a voice minute, an e-mail), as "sms=0.0079,voice=0.014".
COST_PER_AGENT_HOUR = env_float("COST_PER_AGENT_HOUR", 0.0)
COST_PER_CHANNEL_UNIT = {
    channel.strip(): float(rate)
    for channel, _, rate in (item.partition("=") for item in env_list("COST_PER_CHANNEL_UNIT", ""))
}
COST_CURRENCY = os.environ.get("COST_CURRENCY", "USD")


def _mailer() -> dict:
    """Outbound mail: EMAIL_URL like smtp://user:pass@host:25 (smtp+tls:// for STARTTLS,
    smtps:// for TLS); without it, mail is written to files under var/sent-mail."""
    url = os.environ.get("EMAIL_URL", "")
    if not url:
        return {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(VAR_DIR / "sent-mail")},
        }
    parts = urlsplit(url)
    return {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": parts.hostname or "127.0.0.1",
            "port": parts.port or (465 if parts.scheme == "smtps" else 25),
            "username": parts.username or "",
            "password": parts.password or "",
            "use_tls": parts.scheme == "smtp+tls",
            "use_ssl": parts.scheme == "smtps",
            "timeout": 30,
        },
    }


EMAIL_URL = os.environ.get("EMAIL_URL", "")
# How much a request may carry, refused with 413 before its body is read
# (contactcenter/request_limits.py): every route takes REQUEST_MAX_BYTES; ESP inbound
# webhooks, which post whole mails (raw MIME, or base64 attachments in JSON), take
# EMAIL_INBOUND_MAX_BYTES. Django's own limit on what it parses is the larger of the two.
REQUEST_MAX_BYTES = env_int("REQUEST_MAX_BYTES", 1024 * 1024)
EMAIL_INBOUND_MAX_BYTES = env_int("EMAIL_INBOUND_MAX_BYTES", 40 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = max(REQUEST_MAX_BYTES, EMAIL_INBOUND_MAX_BYTES)
# Files in conversations (docs/inbox.md, "Attachments"): the largest file a visitor or an
# agent may upload, the types accepted (as sniffed from the content, never from the name),
# and the longer side of a picture's thumbnail. An upload's request may be a little larger
# than its file (the form around it).
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
ATTACHMENT_TYPES = env_list(
    "ATTACHMENT_TYPES", "image/png,image/jpeg,image/gif,image/webp,application/pdf,text/plain"
)
ATTACHMENT_THUMBNAIL_PX = env_int("ATTACHMENT_THUMBNAIL_PX", 320)
ATTACHMENT_REQUEST_MAX_BYTES = ATTACHMENT_MAX_BYTES + 64 * 1024
# A WebSocket frame longer than this is answered with an error frame, unread.
WEBSOCKET_FRAME_MAX_CHARS = env_int("WEBSOCKET_FRAME_MAX_CHARS", 128 * 1024)
MAILERS = {"default": _mailer()}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "support@example.com")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    # a 403 or 400 is one line with its reason, not a traceback (contactcenter/refusal_log.py)
    "filters": {
        "routine_refusals": {"()": "contactcenter.refusal_log.RoutineRefusals"},
        # card numbers never reach a log (contactcenter/privacy/redaction.py)
        "card_numbers": {"()": "contactcenter.privacy.redaction.CardNumbersFilter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["routine_refusals", "card_numbers"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "twilio.http_client": {"level": "WARNING"},  # logs every request's headers at INFO
        "axes": {"level": "WARNING"},  # lockouts; not every login's bookkeeping
    },
}

# Knowledge base (docs/knowledge.md). The virtual agent answers when its confidence in the best
# article (0..1) reaches this; below it, it asks once what the customer meant, then hands off.
KNOWLEDGE_ANSWER_THRESHOLD = env_float("KNOWLEDGE_ANSWER_THRESHOLD", 0.5)
# Help-page and widget-search steps one address may record a minute (per process).
KNOWLEDGE_HELP_EVENTS_PER_IP_PER_MINUTE = env_int("KNOWLEDGE_HELP_EVENTS_PER_IP_PER_MINUTE", 60)
# An OpenAI-compatible endpoint (…/v1) that drafts replies grounded in the retrieved
# articles for agents; empty: no generator (the default: nothing leaves the machine).
KNOWLEDGE_GENERATOR_URL = os.environ.get("KNOWLEDGE_GENERATOR_URL", "")
KNOWLEDGE_GENERATOR_MODEL = os.environ.get("KNOWLEDGE_GENERATOR_MODEL", "")
KNOWLEDGE_GENERATOR_API_KEY = os.environ.get("KNOWLEDGE_GENERATOR_API_KEY", "")
KNOWLEDGE_GENERATOR_TIMEOUT_SECONDS = env_float("KNOWLEDGE_GENERATOR_TIMEOUT_SECONDS", 20.0)

# Privacy (docs/privacy.md). Card numbers are masked before storing in these channels' messages
# ("*": every channel; "notes" covers internal, customer and wrap-up notes; empty: none).
CARD_MASKING_CHANNELS = os.environ.get("CARD_MASKING_CHANNELS", "*")
# The database owner (PostgreSQL), when the application's DATABASE_URL role may only INSERT
# and SELECT on the event log: migrations run as it (docs/deploy.md). Unset: one role for both.
DATABASE_OWNER_URL = os.environ.get("DATABASE_OWNER_URL", "")
# Crypto-shredding (docs/privacy.md): the key-encryption key, base64 of 32 random bytes (unset: one
# derived from SECRET_KEY), and the class that wraps data keys with it (a KMS client, say).
PRIVACY_KEK = os.environ.get("PRIVACY_KEK", "")
# KEKs PRIVACY_KEK replaced (comma-separated): they still unwrap the data keys made before
# it, until `manage.py rewrap_data_keys` has wrapped every one under PRIVACY_KEK.
PRIVACY_KEK_FALLBACKS = env_list("PRIVACY_KEK_FALLBACKS", "")
PRIVACY_KEY_WRAPPER = os.environ.get(
    "PRIVACY_KEY_WRAPPER", "contactcenter.privacy.kek.LocalKeyWrapper"
)
# 1: administrators and supervisors need a TOTP code (django-otp) after their password before
# /admin/ and /supervisor/ (contactcenter/privacy/two_factor.py). Set it in production.
STAFF_TWO_FACTOR = env_bool("STAFF_TWO_FACTOR", False)
