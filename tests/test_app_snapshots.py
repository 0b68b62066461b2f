"""Snapshot tests (pytest-textual-snapshot): how each screen looks, at fixed time and data dir.

Update after an intended change with ``pytest tests/test_app_snapshots.py --snapshot-update`` and
look at the report before committing the new SVGs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("textual")

from kickoff_tui.app.demo import SCENES, Scene, demo_app  # noqa: E402

SNAPSHOT_SCENES = ("start", "wizard-80x24", "wizard-120x36", "red-flag", "review", "plan",
                   "replay", "light-theme")
"""Scenes pinned by snapshots (the issue's list); the screenshots script renders all scenes."""


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KICKOFF_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)


def _scene(name: str) -> Scene:
    return next(s for s in SCENES if s.name == name)


@pytest.mark.parametrize("name", SNAPSHOT_SCENES)
def test_app_snapshot(name: str, snap_compare) -> None:  # type: ignore[no-untyped-def]
    scene = _scene(name)
    assert snap_compare(demo_app(scene.theme), terminal_size=scene.size, run_before=scene.run)
