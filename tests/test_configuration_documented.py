"""The README's configuration table names every environment variable the product reads, once,
and nothing it does not read."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = ("contactcenter", "channels_adapters", "crm", "routing")
# contactcenter/settings.py's readers: env_bool("NAME", default) and the like
SETTINGS_READERS = {"env_bool", "env_int", "env_float", "env_list"}
NOT_SETTINGS = {
    "DJANGO_SETTINGS_MODULE",  # Django's own, set by manage.py/asgi.py
    "PYTEST_XDIST_WORKER",  # set by pytest-xdist in each parallel test worker
}


def _is_environ(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "environ"


def _name(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def variables_read(source: str) -> set[str]:
    """Names read by os.environ.get/[...]/in, os.getenv and the settings' env_* readers."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            reads = (
                (isinstance(func, ast.Name) and func.id in SETTINGS_READERS)
                or (isinstance(func, ast.Attribute) and func.attr == "getenv")
                or (
                    isinstance(func, ast.Attribute)
                    and func.attr in {"get", "pop"}
                    and _is_environ(func.value)
                )
            )
            if reads and _name(node.args[0]):
                found.add(_name(node.args[0]))
        elif isinstance(node, ast.Subscript) and _is_environ(node.value) and _name(node.slice):
            found.add(_name(node.slice))
        elif (
            isinstance(node, ast.Compare)
            and any(isinstance(op, ast.In | ast.NotIn) for op in node.ops)
            and any(_is_environ(c) for c in node.comparators)
            and _name(node.left)
        ):
            found.add(_name(node.left))
    return found


def read_by_the_product() -> dict[str, list[str]]:
    """Each variable with the files that read it."""
    where: dict[str, list[str]] = {}
    files = [ROOT / "manage.py", *(p for d in PRODUCT for p in sorted((ROOT / d).rglob("*.py")))]
    for path in files:
        for name in variables_read(path.read_text()) - NOT_SETTINGS:
            where.setdefault(name, []).append(str(path.relative_to(ROOT)))
    return where


def documented() -> list[str]:
    """The names in the first column of the README's configuration table, as often as named."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return [name for row in rows for name in re.findall(r"`([A-Z][A-Z0-9_]*)`", row.split("|")[1])]


def test_the_scan_finds_every_way_of_reading_the_environment():
    source = (
        'env_int("A", 1); os.environ.get("B"); os.environ["C"]; os.getenv("D")\n'
        'if "E" in os.environ: pass\n'
        'x = {"F": 1}.get("F")'
    )
    assert variables_read(source) == {"A", "B", "C", "D", "E"}


def test_every_environment_variable_the_code_reads_is_in_the_readme():
    read = read_by_the_product()
    missing = {name: files for name, files in read.items() if name not in documented()}
    assert not missing, f"README.md's configuration table lacks: {missing}"


def test_the_readme_names_each_variable_once_and_only_those_the_code_reads():
    names = documented()
    assert sorted({n for n in names if names.count(n) > 1}) == []
    assert sorted(set(names) - set(read_by_the_product())) == []
