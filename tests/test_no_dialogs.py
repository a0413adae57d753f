"""Issue 14.3: no page blocks its user with a dialog. alert(), confirm() and prompt() stop the
page (and, on a wallboard that loops, stack by the hundred); every page says things inline."""

import re
from pathlib import Path

STATIC = Path(__file__).resolve().parents[1] / "templates"
DIALOG = re.compile(r"(?<![\w.$])(?:window\.)?(alert|confirm|prompt)\s*\(")


def test_no_page_script_opens_a_blocking_dialog():
    offenders = []
    for path in sorted(STATIC.rglob("*")):
        if path.suffix not in (".js", ".html") or "vendor" in path.parts:
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if DIALOG.search(line):
                offenders.append(f"{path.relative_to(STATIC)}:{number}: {line.strip()}")
    assert offenders == []
