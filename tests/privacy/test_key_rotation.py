"""Rotating the key-encryption key (contactcenter/privacy/kek.py): with the old key kept as a
fallback, what it wrapped still opens and new keys are wrapped under the new one;
`rewrap_data_keys` moves every standing key under the new one so the old may go. A
SECRET_KEY rotated as Django documents (SECRET_KEY_FALLBACKS) used to leave every customer's
data unopenable when PRIVACY_KEK was unset."""

import base64
import contextlib
import os

import pytest
from cryptography.exceptions import InvalidTag
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import override_settings

from contactcenter.events import store
from contactcenter.interactions.ingest import ingest
from contactcenter.privacy import kek, shredding
from contactcenter.privacy.erasure import erase_customer
from contactcenter.privacy.models import CustomerKey
from tests.factories import email_message

pytestmark = pytest.mark.django_db(transaction=True)


@contextlib.contextmanager
def keys(**changed):
    """The settings changed as a restarted server would read them."""
    with override_settings(**changed):
        _restart()
        try:
            yield
        finally:
            _restart()


def _restart() -> None:
    kek.wrapper.cache_clear()
    shredding.forget()


def texts() -> list[str]:
    return [e.data["text"] for e in store.read_all(horizon=False) if e.type == "MessageReceived"]


def a_new_kek() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def test_a_secret_key_rotated_with_the_old_one_kept_still_opens_what_it_sealed():
    old = settings.SECRET_KEY
    ingest(email_message(sender="Dora <dora@example.org>", text="my address is 1 Elm St"))

    with keys(SECRET_KEY="a new secret key, the old one kept", SECRET_KEY_FALLBACKS=[old]):
        assert texts() == ["my address is 1 Elm St"]
        # and the same customer writes again: their key opens, a new day's bucket is made
        ingest(email_message(sender="Dora <dora@example.org>", text="and my phone is 555"))
        assert texts() == ["my address is 1 Elm St", "and my phone is 555"]

    # The old key dropped before a rewrap: unopenable.
    dropped = keys(SECRET_KEY="a new secret key, the old one kept", SECRET_KEY_FALLBACKS=[])
    with dropped, pytest.raises(InvalidTag):
        texts()


def test_a_privacy_kek_set_later_still_opens_what_the_derived_one_wrapped():
    ingest(email_message(sender="Dora <dora@example.org>", text="my address is 1 Elm St"))
    with keys(PRIVACY_KEK=a_new_kek()):
        assert texts() == ["my address is 1 Elm St"]


def test_rewrap_data_keys_moves_every_key_under_the_new_kek_so_the_old_may_go(capsys):
    kept = ingest(email_message(sender="Dora <dora@example.org>", text="my address is 1 Elm St"))
    gone = ingest(email_message(sender="Gus <gus@example.org>", text="forget me"))
    erase_customer(gone.customer_id, requested_by="test")
    new = a_new_kek()

    with keys(PRIVACY_KEK=new):
        call_command("rewrap_data_keys")
        call_command("rewrap_data_keys")  # again: nothing left to do
    said = capsys.readouterr().out
    assert "rewrapped 2; 0 were under the current KEK already" in said  # key and bucket
    assert "rewrapped 0; 2 were under the current KEK already" in said

    # The old KEK (derived from this SECRET_KEY) gone: what was kept still opens ...
    with keys(PRIVACY_KEK=new, SECRET_KEY="another secret entirely"):
        assert texts()[0] == "my address is 1 Elm St"
        assert CustomerKey.objects.filter(customer_id=kept.customer_id).count() == 2
    # ... and the erased stays erased: its key was never written back.
    erased = CustomerKey.objects.filter(customer_id=gone.customer_id)
    assert {bytes(k.wrapped) for k in erased} == {b""}


def test_rewrap_data_keys_names_the_keys_no_configured_kek_opens():
    ingest(email_message(sender="Dora <dora@example.org>", text="my address is 1 Elm St"))
    unknown = keys(SECRET_KEY="a secret that never wrapped anything")
    with unknown, pytest.raises(CommandError, match="2 data keys open under no configured KEK"):
        call_command("rewrap_data_keys")
