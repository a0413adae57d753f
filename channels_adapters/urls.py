"""Every registered channel's URLs, mounted the same way: a channel's `hooks` (what its
provider calls) under /hooks/, its own pages at the root. contactcenter/urls.py includes this
once; a new channel's adapter brings its URLs by naming its urlconf in its `Channel`."""

from importlib import import_module

from django.urls import URLPattern, URLResolver, include, path

from channels_adapters import base

HOOKS_PREFIX = "hooks/"


def patterns() -> list[URLPattern | URLResolver]:
    mounted: list[URLPattern | URLResolver] = []
    for channel in base.channels():
        if not channel.urls:
            continue
        urlconf = import_module(channel.urls)
        namespace = getattr(urlconf, "app_name", None)
        hooks = getattr(urlconf, "hooks", [])
        if hooks:
            mounted.append(path(HOOKS_PREFIX, include((hooks, namespace) if namespace else hooks)))
        if getattr(urlconf, "urlpatterns", None):
            mounted.append(path("", include(urlconf.urlpatterns)))
    return mounted


urlpatterns = patterns()
