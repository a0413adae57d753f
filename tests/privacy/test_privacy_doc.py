"""docs/privacy.md: every claim in its tables names a test, and every test it names exists (a
bare name is in the file the table last named)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NAMED = re.compile(r"`(?:(tests/[\w/]+\.py)::)?(test_\w+)`|`(tests/[\w/]+\.py)`")


def claims() -> list[tuple[str, list[tuple[str, str]]]]:
    """Each table row: its claim, and the (file, test) pairs it names (test "" for a file)."""
    rows, current = [], ""
    for line in (ROOT / "docs" / "privacy.md").read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.startswith("|") or cells[0] in ("claim", "---") or len(cells) < 2:
            continue
        named = []
        for path, test, whole_file in NAMED.findall(cells[-1]):
            current = path or whole_file or current
            named.append((current, test))
        rows.append((cells[0], named))
    return rows


def test_every_claim_names_a_test_and_every_named_test_exists():
    rows = claims()
    assert len(rows) > 40
    untested = [claim for claim, named in rows if not named]
    assert not untested, f"claims without a test: {untested}"
    missing = [
        f"{path}::{test}"
        for _, named in rows
        for path, test in named
        if not (ROOT / path).exists()
        or (test and not re.search(rf"^def {test}\(", (ROOT / path).read_text(), re.MULTILINE))
    ]
    assert not missing, f"docs/privacy.md names tests that do not exist: {missing}"
