"""The app's sub-commands: registered without importing Textual, bad paths fail in one line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kickoff_tui.errors import KickoffError


def test_parser_registers_app_commands_without_importing_textual() -> None:
    code = (
        "import sys; from kickoff_tui.cli import build_parser; p = build_parser();"
        "a = p.parse_args(['open', 'x.toml']); assert a.func.__name__ == 'run_open';"
        "a = p.parse_args(['new']); assert a.func.__name__ == 'run_new';"
        "assert 'textual' not in sys.modules, 'textual imported'"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parents[1])
    assert result.returncode == 0, result.stderr


def test_open_and_replay_refuse_missing_files(tmp_path: Path) -> None:
    from kickoff_tui.commands.app import run_replay_tui
    from kickoff_tui.cli import main

    with pytest.raises(KickoffError, match="no such file"):
        run_replay_tui(tmp_path / "missing.toml")
    assert main(["open", str(tmp_path / "missing.toml")]) == 2
    with pytest.raises(KickoffError, match="not a file"):
        run_replay_tui(tmp_path)
