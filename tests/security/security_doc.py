"""docs/security.md's matrix, read as the test walks it: one table per heading, a row per
request (its first cell, in backticks) and a cell per role (the column's heading)."""

import re
from dataclasses import dataclass
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: dict[str, dict[str, str]]  # request -> column -> documented outcome


def table(heading: str) -> Table:
    """The first table under the `###` heading whose text is `heading`."""
    text = DOC.read_text()
    start = re.search(rf"^### {re.escape(heading)}\s*$", text, flags=re.MULTILINE)
    assert start, f"docs/security.md has no heading {heading!r}"
    lines = text[start.end() :].splitlines()
    body = []
    for line in lines:
        if line.startswith("#"):
            break
        if line.startswith("|"):
            body.append([cell.strip() for cell in line.strip().strip("|").split("|")])
        elif body:
            break
    header, _rule, *rows = body
    columns = tuple(c.strip("`") for c in header[1:])
    parsed = {}
    for cells in rows:
        key = cells[0].strip("`")
        assert key not in parsed, f"docs/security.md lists {key!r} twice under {heading!r}"
        assert len(cells) == len(header), f"{key!r}: {len(cells)} cells for {len(header)} columns"
        parsed[key] = dict(zip(columns, (c.strip("`") for c in cells[1:]), strict=True))
    return Table(columns, parsed)


def mismatches(table_: Table, actual: dict[str, dict[str, str]]) -> list[str]:
    """Each row whose walk differs from the document, with the row as it would have to read."""
    found = []
    for key, outcomes in actual.items():
        documented = table_.rows.get(key, {})
        if any(documented.get(column) != outcome for column, outcome in outcomes.items()):
            cells = " | ".join(outcomes.get(c, documented.get(c, "?")) for c in table_.columns)
            found.append(f"| `{key}` | {cells} |")
    return found
