"""The ``kickoff`` command.

Without arguments it opens the TUI. Headless sub-commands (estimate, size, calibrate, catalog,
replay, diff, export...) never import Textual, so they start fast and run on any terminal.
Each group of sub-commands lives in ``kickoff_tui/commands/`` and registers itself here.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from kickoff_tui import __version__

COMMAND_MODULES: tuple[str, ...] = (
    "kickoff_tui.commands.app",
    "kickoff_tui.commands.sizing",
    "kickoff_tui.commands.record",
    "kickoff_tui.commands.planning",
)
"""Modules with a ``register(subparsers)`` function; a missing one is skipped."""


MAX_MESSAGE_CHARS = 1_000
"""Longest error line printed: a message that quotes a 100,000-character value is cut (the
start names the file and the field, which is what the user needs)."""


def _bounded(message: str) -> str:
    if len(message) <= MAX_MESSAGE_CHARS:
        return message
    return f"{message[:MAX_MESSAGE_CHARS]}... ({len(message):,} characters in all)"


class _Parser(argparse.ArgumentParser):
    """argparse prints usage + exits 2 on errors; keep that, but on one line."""

    def error(self, message: str) -> None:  # type: ignore[override]
        from kickoff_tui.record.text import visible

        self.exit(2, f"kickoff: {_bounded(visible(' '.join(message.split())))} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="kickoff",
        description=(
            "Run the AI-infrastructure kickoff meeting: role-tagged questions, a decision log, "
            "red flags and a live sized GPU spec. With no command, opens the app."
        ),
    )
    parser.add_argument("--version", action="version", version=f"kickoff {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as err:
            if err.name == name:
                continue
            raise
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one ``kickoff`` command; return its exit code (0 ok, 2 bad input, 1 a bug).

    Every error is one line on stderr, starting ``kickoff:``, with control characters shown as
    escapes (a file name or a cell holding ESC cannot drive the terminal)."""
    from kickoff_tui.errors import KickoffError
    from kickoff_tui.record.text import visible

    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        if "kickoff_tui.commands.app" in sys.modules:
            from kickoff_tui.commands.app import run_default

            func = run_default
        else:
            parser.print_help()
            return 0
    try:
        return int(func(args) or 0)
    except KickoffError as err:
        print(f"kickoff: {_bounded(visible(err))}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as err:  # noqa: BLE001 - last line of defence: never a traceback
        if os.environ.get("KICKOFF_DEBUG"):
            raise
        message = _bounded(visible(" ".join(str(err).split()) or type(err).__name__))
        print(f"kickoff: unexpected error: {message} (set KICKOFF_DEBUG=1 for details)", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
