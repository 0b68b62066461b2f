"""Sub-commands that open the Textual app: ``kickoff``, ``kickoff new``, ``kickoff open FILE``.

Textual is imported only inside the handlers, so ``kickoff --help`` and every headless command
start without it. ``run_replay_tui(path)`` is the entry point ``kickoff replay FILE --tui`` calls.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from kickoff_tui.errors import KickoffError


def _existing_file(path: str | Path) -> Path:
    """Resolve ``path`` and fail with a one-line user error when it is not a readable file."""
    from kickoff_tui.record.text import visible

    resolved = Path(path).expanduser()
    if not resolved.exists():
        raise KickoffError(f"no such file: {visible(resolved)}")
    if not resolved.is_file():  # a FIFO, a device, a folder: refused before the app starts
        raise KickoffError(f"not a file: {visible(resolved)} (a folder, pipe or device)")
    return resolved


def _clean_stale_temp_files(*folders: Path) -> None:
    """Remove temp files a killed save left behind (``.NAME.toml.XXXXXXXX.tmp`` older than a
    minute) in the data dir's session and model folders and the folder of the file opened."""
    from kickoff_tui.catalog import user_models_dir
    from kickoff_tui.record.io import clean_stale_temp_files, sessions_dir

    for folder in (sessions_dir(), user_models_dir(), *folders):
        clean_stale_temp_files(folder)


def _run(start: str, path: Path | None = None) -> int:
    """Build the app for ``start`` ("start", "new", "open", "replay") and run it."""
    from kickoff_tui.app import KickoffApp

    _clean_stale_temp_files(*([path.parent] if path is not None else []))

    app = KickoffApp(start=start, path=path)
    app.run()
    return int(app.return_code or 0)


def run_default(args: argparse.Namespace | None = None) -> int:
    """``kickoff`` with no command: the start screen (new, resume, open, replay)."""
    return _run("start")


def run_new(args: argparse.Namespace) -> int:
    """``kickoff new``: straight to the participants screen of a fresh session."""
    return _run("new")


def run_open(args: argparse.Namespace) -> int:
    """``kickoff open FILE``: load a saved session and continue in the wizard."""
    return _run("open", _existing_file(args.file))


def run_replay_tui(path: str | Path) -> int:
    """Open the replay screen for a saved session (called by ``kickoff replay FILE --tui``)."""
    return _run("replay", _existing_file(path))


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``new`` and ``open`` to the ``kickoff`` parser."""
    new = subparsers.add_parser(
        "new",
        help="start a new kickoff session in the app",
        description="Open the app on a new session: add participants, then answer the questions.",
    )
    new.set_defaults(func=run_new)

    open_ = subparsers.add_parser(
        "open",
        help="continue a saved session (TOML) in the app",
        description="Open a saved kickoff session (a .toml file) in the app and continue it.",
    )
    open_.add_argument("file", metavar="FILE", help="session file written by Kickoff (.toml)")
    open_.set_defaults(func=run_open)
