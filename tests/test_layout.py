"""The house rules import-linter cannot state: no app reaches for another's private names,
and an import inside a function says why it is there.

The layers themselves (which app may import which) are import-linter's contracts in
pyproject.toml, run by ``make lint``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import haven

SOURCE = Path(haven.__file__).parent


def _modules() -> Iterator[tuple[Path, ast.Module]]:
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path, ast.parse(path.read_text(encoding="utf-8"))


def _shown(path: Path) -> str:
    return str(path.relative_to(SOURCE)) if path.is_relative_to(SOURCE) else path.name


def _app_of(path: Path) -> str:
    relative = path.relative_to(SOURCE).parts
    return relative[0] if len(relative) > 1 else relative[0].removesuffix(".py")


def private_imports_across_apps(path: Path, tree: ast.Module) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or not (node.module or "").startswith("haven."):
            continue
        parts = (node.module or "").split(".")
        if len(parts) < 2 or parts[1] == _app_of(path):
            continue
        private = [part for part in parts[2:] if part.startswith("_")]
        private += [alias.name for alias in node.names if alias.name.startswith("_")]
        if private:
            found.append(f"{_shown(path)}:{node.lineno} {node.module}: {private}")
    return found


def unexplained_function_imports(path: Path, tree: ast.Module) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    found = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            here = lines[node.lineno - 1]
            above = lines[node.lineno - 2].strip() if node.lineno > 1 else ""
            if "#" not in here and not above.startswith("#"):
                found.append(f"{_shown(path)}:{node.lineno} {here.strip()}")
    return found


def test_no_app_imports_another_app_s_private_names() -> None:
    found = [line for path, tree in _modules() for line in private_imports_across_apps(path, tree)]
    assert not found, "\n".join(found)


def test_every_import_inside_a_function_says_why() -> None:
    found = [line for path, tree in _modules() for line in unexplained_function_imports(path, tree)]
    assert not found, "\n".join(found)


def test_the_checks_would_notice(tmp_path: Path) -> None:
    probe = SOURCE / "cases" / "probe.py"
    source = (
        "from haven.documents.actions import _storage_name\n"
        "def late():\n"
        "    import json\n"
        "    return json\n"
    )
    tree = ast.parse(source)
    assert private_imports_across_apps(probe, tree) == [
        "cases/probe.py:1 haven.documents.actions: ['_storage_name']"
    ]
    probe_file = tmp_path / "probe.py"
    probe_file.write_text(source)
    assert len(unexplained_function_imports(probe_file, tree)) == 1
