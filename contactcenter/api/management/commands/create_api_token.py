"""`python manage.py create_api_token USER`: a new REST API token for an agent or supervisor,
printed once (it is stored only as a hash), for scripts and integrations (docs/api.md)."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from contactcenter.api.models import ApiToken
from contactcenter.roles import is_agent


class Command(BaseCommand):
    help = (
        "Print a new REST API token for USER (an agent or a supervisor). The key is shown only "
        "now; revoke it in admin (API tokens)."
    )

    def add_arguments(self, parser):
        parser.add_argument("user", help="the username the token acts as, with their rights")
        parser.add_argument(
            "--name", help="what uses it, e.g. 'CRM sync' (default: USER's command-line token)"
        )
        parser.add_argument(
            "--scopes",
            default="read,write",
            help="comma-separated: read, write, privacy (default: read,write)",
        )
        parser.add_argument(
            "--expires-days", type=int, help="refused after this many days (default: never)"
        )
        parser.add_argument(
            "--events",
            action="store_true",
            help="may read the event feed (/api/v1/events/); supervisors' tokens may anyway",
        )

    def handle(self, *args, user, name, events, scopes, expires_days, **options):
        person = get_user_model().objects.filter(username=user).first()
        if person is None:
            raise CommandError(f"no user {user!r}")
        if not person.is_active:
            raise CommandError(f"{user} is deactivated: a token would not be accepted")
        if not is_agent(person):
            # The API refuses everyone else (contactcenter.api.permissions.IsAgent).
            raise CommandError(
                f"{user} may not use the API: only agents and supervisors do "
                "(add them to the agents or supervisors group in admin)"
            )
        longest = ApiToken._meta.get_field("name").max_length
        if name and len(name) > longest:
            raise CommandError(f"--name is longer than {longest} characters")
        name = name or f"{user}'s command-line token"[:longest]
        chosen = {s.strip() for s in scopes.split(",") if s.strip()}
        if not chosen or chosen - {"read", "write", "privacy"}:
            raise CommandError("--scopes takes read, write and privacy, comma-separated")
        if expires_days is not None and expires_days < 1:
            raise CommandError("--expires-days must be 1 or more")
        token = ApiToken(
            name=name,
            user=person,
            can_read_events=events,
            scopes=",".join(sorted(chosen)),
            expires_at=timezone.now() + timedelta(days=expires_days) if expires_days else None,
        )
        key = token.issue()
        token.save()
        # The key alone on stdout, so that KEY=$(manage.py create_api_token agent1) works.
        self.stdout.write(key)
        self.stderr.write(
            f"API token {token.name!r} for {user} ({token.prefix}…): shown only now, "
            "stored as a hash. Use it as `Authorization: Token <key>`."
        )
