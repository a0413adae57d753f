"""Model instances made by setting their fields, not through `Model.__init__`.

Django's `__init__` is general: it sends `pre_init` and `post_init`, walks every field
calling `setattr` through its descriptor, and for keyword arguments pops each field's name
and attname in turn. A row read by key (`Model.from_db`, 7 µs for an interaction's forty
columns on the 2-core machine) or a transcript line made by an inline projection (9 µs) pays
that at every message; in the profile at 20 chats a second `Model.__init__` was 4 % of the
servers' samples (issue 18, docs/benchmarks.md). Set directly: 2.5 µs and 3.9 µs.

Direct setting is what `__init__` would do only where it does nothing else: the model keeps
Django's `__init__`, nobody listens to its `pre_init` or `post_init`, and every concrete field
is reached through Django's plain descriptor (`DeferredAttribute`, a foreign key's id
included: its `__set__` forgets a related object a new instance has not cached). Any other
model, and any call naming what is not a concrete field's attname (a related object, a
property), goes through Django as before.
"""

from functools import cache
from typing import Any

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Model
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init

_PLAIN_DESCRIPTORS = (DeferredAttribute, ForeignKeyDeferredAttribute)
# By model, whether `_plain`: a dict, looked up at every row (functools.cache's wrapper costs
# more than the rest of the check).
_PLAIN: dict[type[Model], bool] = {}


def read[M: Model](model: type[M], attnames: tuple[str, ...], values: Any) -> M:
    """`model.from_db(DEFAULT_DB_ALIAS, attnames, values)` for a row of every concrete field
    of `model`, in their order (`attnames`)."""
    if not _settable(model):
        return model.from_db(DEFAULT_DB_ALIAS, attnames, values)
    obj = model.__new__(model)
    state = ModelState()
    state.adding = False
    state.db = DEFAULT_DB_ALIAS
    obj.__dict__.update(zip(attnames, values, strict=True))
    obj._state = state
    return obj


def new[M: Model](model: type[M], **values: Any) -> M:
    """`model(**values)`, a new row: each concrete field takes the value named by its
    attname, or its default."""
    if not _settable(model) or not values.keys() <= _attnames(model):
        return model(**values)
    obj = model.__new__(model)
    fields = obj.__dict__
    for field in model._meta.concrete_fields:
        name = field.attname
        fields[name] = values[name] if name in values else field.get_default()
    obj._state = ModelState()
    return obj


def _settable(model: type[Model]) -> bool:
    plain = _PLAIN.get(model)
    if plain is None:
        plain = _PLAIN[model] = _plain(model)
    # The signals are asked at every call, as a receiver may be connected after the first:
    # their lists first, empty in this project, which is quicker than asking for the model.
    return plain and not (
        (pre_init.receivers and pre_init.has_listeners(model))
        or (post_init.receivers and post_init.has_listeners(model))
    )


def _plain(model: type[Model]) -> bool:
    if model.__init__ is not Model.__init__ or model._meta.abstract:
        return False
    for field in model._meta.concrete_fields:
        if field.generated:
            return False
        descriptor = next(
            (k.__dict__[field.attname] for k in model.__mro__ if field.attname in k.__dict__),
            None,
        )
        if type(descriptor) not in _PLAIN_DESCRIPTORS:
            return False
    return True


@cache
def _attnames(model: type[Model]) -> frozenset[str]:
    return frozenset(f.attname for f in model._meta.concrete_fields)
