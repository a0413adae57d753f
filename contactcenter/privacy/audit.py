"""The audit trail of who viewed, exported or erased which customer."""

from contactcenter import clock
from contactcenter.privacy.models import CustomerAccess


def record(user, customer_id: str, action: str, via: str) -> None:
    authenticated = getattr(user, "is_authenticated", False)
    CustomerAccess.objects.create(
        at=clock.now(),
        user_id=user.pk if authenticated else None,
        username=user.get_username() if authenticated else "",
        customer_id=customer_id,
        action=action,
        via=via,
    )
