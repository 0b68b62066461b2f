"""The pure layers never import Textual (house style: the core stays headless and fast)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "kickoff_tui"
PURE = ["catalog", "sizing", "record", "planning", "commands"]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("layer", PURE)
def test_pure_layer_has_no_textual_import(layer):
    folder = PACKAGE / layer
    if not folder.exists():
        pytest.skip(f"{layer} not present")
    offenders = []
    for path in folder.rglob("*.py"):
        if layer == "commands" and path.name == "app.py":
            continue  # launches the TUI, imports Textual lazily inside functions
        if any(name == "textual" or name.startswith("textual.") for name in _imports(path)):
            offenders.append(str(path.relative_to(PACKAGE)))
    assert not offenders, offenders


@pytest.mark.parametrize("module", ["errors.py", "validation.py"])
def test_the_shared_modules_every_layer_imports_have_no_textual_import(module):
    """``errors.py`` and ``validation.py`` sit beside the layers because the pure ones import them."""
    names = _imports(PACKAGE / module)
    assert not any(name == "textual" or name.startswith("textual.") or name.startswith("kickoff_tui.")
                   for name in names), names


def test_sizing_does_no_io():
    for path in (PACKAGE / "sizing").rglob("*.py"):
        text = path.read_text("utf-8")
        assert "open(" not in text and "read_text(" not in text, path.name
