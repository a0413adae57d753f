"""Settings that `manage.py check --deploy` refuses in a deployment."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def fast_password_hashing(app_configs, **kwargs) -> list[checks.CheckMessage]:
    if not settings.FAST_PASSWORD_HASHING:
        return []
    return [
        checks.Error(
            "FAST_PASSWORD_HASHING is on: passwords are hashed with MD5, which is for test "
            "suites only.",
            hint="Unset FAST_PASSWORD_HASHING; passwords set meanwhile must be set again.",
            id="contactcenter.E001",
        )
    ]
