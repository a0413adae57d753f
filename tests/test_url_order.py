"""The URLconf's order (contactcenter/urls.py): Django tries its patterns one by one, building
the list of those tried as it goes, so the paths every contact calls (the web chat's token,
providers' webhooks) come first; and no pattern answers for another's path, whatever the
order."""

import uuid

from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.converters import IntConverter, PathConverter, SlugConverter, UUIDConverter
from django.urls.resolvers import RegexPattern

VALUES = {IntConverter: 7, SlugConverter: "a-slug", UUIDConverter: uuid.UUID(int=7)}


def named(resolver: URLResolver, namespace: str = ""):
    """(name, keyword arguments) for every named pattern and what its route takes."""
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from named(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            if isinstance(entry.pattern, RegexPattern):  # DRF's router: a key, a suffix
                groups = entry.pattern.regex.groupindex
                if "format" not in groups:
                    yield f"{namespace}{entry.name}", {key: "7" for key in groups}
                continue
            converters = entry.pattern.converters
            if "format" not in converters:
                kwargs = {
                    key: "a/b.txt" if type(c) is PathConverter else VALUES.get(type(c), "x-1")
                    for key, c in converters.items()
                }
                yield f"{namespace}{entry.name}", kwargs


def test_every_named_path_resolves_to_its_own_pattern():
    checked = 0
    for name, kwargs in named(get_resolver()):
        if name.startswith("admin:"):
            continue  # the admin's own, under /admin/ alone, with its catch-all last
        path = reverse(name, kwargs=kwargs)
        assert resolve(path).view_name == name, path
        checked += 1
    assert checked > 100


def test_the_paths_every_contact_calls_are_tried_before_the_consoles_pages():
    tried = [
        str(getattr(entry, "urlconf_name", entry.pattern)) for entry in get_resolver().url_patterns
    ]
    first_page = next(i for i, name in enumerate(tried) if "console" in name or "admin" in name)
    channels = next(i for i, name in enumerate(tried) if "channels_adapters" in name)
    assert channels < first_page
    assert resolve("/widget/session/").view_name == "webchat-session"
