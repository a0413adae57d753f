"""Filling in a canned response's placeholders. Pure."""

import re

PLACEHOLDER = re.compile(r"\{([a-z_]+)\.([a-z_]+)\}")


def render(text: str, values: dict[str, dict[str, str]]) -> str:
    """Replace each {object.field} with its value. A placeholder we know but have no value for
    becomes empty, tidying the space it leaves ("Hi {customer.first_name}," -> "Hi,"); one we
    do not know stays as written, so the agent sees it before sending."""

    def fill(match: re.Match) -> str:
        known = values.get(match.group(1))
        if known is None or match.group(2) not in known:
            return match.group(0)
        return known[match.group(2)] or ""

    filled = PLACEHOLDER.sub(fill, text)
    filled = re.sub(r"[ \t]+([,.!?;:])", r"\1", filled)
    return re.sub(r"[ \t]{2,}", " ", filled)
