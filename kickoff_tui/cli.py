"""The ``kickoff`` command.

Without arguments it opens the TUI. Headless sub-commands (estimate, size, calibrate, catalog,
replay, diff, export...) never import Textual, so they start fast and run on any terminal.
Each group of sub-commands lives in ``kickoff_tui/commands/`` and registers itself here.
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Sequence
from contextlib import suppress
from pathlib import Path
from typing import Any

from kickoff_tui import __version__

COMMAND_MODULES: tuple[str, ...] = (
    "kickoff_tui.commands.app",
    "kickoff_tui.commands.sizing",
    "kickoff_tui.commands.record",
    "kickoff_tui.commands.planning",
    "kickoff_tui.commands.portfolio",
)
"""Modules with a ``register(subparsers)`` function; a missing one is skipped."""

EXIT_OK = 0
"""Success."""
EXIT_FOUND = 1
"""The command ran, and the answer is "no": the spec is infeasible, or differences were found."""
EXIT_BAD_INPUT = 2
"""Bad input: a broken or hostile file, an unknown option, a value out of range."""
DEFAULT_WIDTH = 120
"""Output width when neither a terminal nor ``COLUMNS`` says (pipes and files)."""
FILE_ARGS = ("file", "a", "b")
"""Positional arguments that name an input file and accept ``-`` for standard input."""
MAX_STDIN_BYTES = 5_000_000
"""Largest input read from standard input (the same limit as for files)."""

_CHOICE = re.compile(r"(?:argument ([^:]+): )?invalid choice: '([^']*)' \(choose from (.*)\)")


def output_width() -> int:
    """Columns to format for: ``COLUMNS`` when set, else the terminal's, else 120."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if sys.stdout.isatty():
        return shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns
    return DEFAULT_WIDTH


MAX_MESSAGE_CHARS = 1_000
"""Longest error line printed: a message that quotes a 100,000-character value is cut (the
start names the file and the field, which is what the user needs)."""


def _bounded(message: str) -> str:
    if len(message) <= MAX_MESSAGE_CHARS:
        return message
    return f"{message[:MAX_MESSAGE_CHARS]}... ({len(message):,} characters in all)"


class _Parser(argparse.ArgumentParser):
    """argparse prints usage + exits 2 on errors; keep that, but on one line, and suggest the
    closest sub-command for a mistyped one."""

    def error(self, message: str) -> None:  # type: ignore[override]
        match = _CHOICE.search(message)
        if match:
            argument, typed = match.group(1) or "", match.group(2)
            choices = [c.strip().strip("'") for c in match.group(3).split(",")]
            close = difflib.get_close_matches(typed, choices, n=1, cutoff=0.6)
            if argument.startswith("-"):  # an option's value: "--precision: unknown precision"
                what = f"{argument}: unknown {argument.lstrip('-').replace('-', ' ')}"
            elif argument.isupper() or not argument:  # the COMMAND (or ACTION) metavar
                what = "unknown command"
            else:  # another positional with choices (catalog gpus|models, completion bash|zsh)
                what = f"unknown {argument.replace('_', ' ')}"
            if close:
                message = f"{what} {typed!r}; did you mean {close[0]!r}?"
            else:
                message = f"{what} {typed!r}; choose from {', '.join(choices)}"
        from kickoff_tui.record.text import visible

        self.exit(
            EXIT_BAD_INPUT,
            f"kickoff: {_bounded(visible(' '.join(message.split())))} (see `{self.prog} --help`)\n",
        )


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
    p = sub.add_parser(
        "completion",
        help="print a shell completion script (bash or zsh)",
        description="Print a completion script: eval \"$(kickoff completion bash)\" in ~/.bashrc, "
        "or the same with zsh in ~/.zshrc.",
    )
    p.add_argument("shell", choices=("bash", "zsh"))
    p.set_defaults(func=_cmd_completion)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as err:
            if err.name == name:
                continue
            raise
        module.register(sub)
    return parser


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _options(parser: argparse.ArgumentParser) -> list[str]:
    return sorted(
        o for a in parser._actions for o in a.option_strings if o.startswith("--")
    )


def completion_script(shell: str, parser: argparse.ArgumentParser | None = None) -> str:
    """A bash (or zsh, through bashcompinit) completion script generated from the parser:
    sub-commands, their own sub-commands and options; files for the rest."""
    parser = parser or build_parser()
    commands = _subcommands(parser)
    cases = []
    for name, sub in sorted(commands.items()):
        words = _options(sub) + sorted(_subcommands(sub))
        for action in sub._actions:
            if action.choices and not action.option_strings and not isinstance(
                action, argparse._SubParsersAction
            ):
                words += [str(c) for c in action.choices]
        cases.append(f'        {name}) opts="{" ".join(words)}" ;;')
    values: dict[str, set[str]] = {}
    for sub in commands.values():
        for action in sub._actions:
            if action.choices and action.option_strings:
                for option in action.option_strings:
                    values.setdefault(option, set()).update(str(c) for c in action.choices)
    value_cases = [
        f'        {option}) mapfile -t COMPREPLY < <(compgen -W "{" ".join(sorted(v))}" -- "$cur"); return ;;'
        for option, v in sorted(values.items())
    ]
    lines = [
        "# kickoff shell completion (generated by `kickoff completion`)",
        "_kickoff() {",
        "    local cur prev cmd opts",
        '    cur="${COMP_WORDS[COMP_CWORD]}"',
        '    prev="${COMP_WORDS[COMP_CWORD-1]}"',
        '    cmd="${COMP_WORDS[1]}"',
        "    if [ \"$COMP_CWORD\" -eq 1 ]; then",
        f'        mapfile -t COMPREPLY < <(compgen -W "{" ".join(sorted(commands))} --help --version" -- "$cur")',
        "        return",
        "    fi",
        '    case "$prev" in',
        *value_cases,
        "    esac",
        '    case "$cmd" in',
        *cases,
        '        *) opts="" ;;',
        "    esac",
        '    mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur"; compgen -f -- "$cur")',
        "}",
        "complete -o filenames -F _kickoff kickoff",
        "",
    ]
    text = "\n".join(lines)
    if shell == "zsh":
        # zsh runs the bash function through bashcompinit; it has no mapfile builtin
        text = re.sub(
            r"mapfile -t COMPREPLY < <\((.*)\)(;|$)",
            lambda m: f"COMPREPLY=( $({m.group(1)}) ){m.group(2)}",
            text,
            flags=re.MULTILINE,
        )
        # ... and its arrays count from 1 (COMP_CWORD is still CURRENT - 1)
        text = (
            text.replace("COMP_WORDS[COMP_CWORD]", "COMP_WORDS[COMP_CWORD+1]")
            .replace("COMP_WORDS[COMP_CWORD-1]", "COMP_WORDS[COMP_CWORD]")
            .replace("COMP_WORDS[1]", "COMP_WORDS[2]")
        )
        text = "autoload -U +X bashcompinit && bashcompinit\n" + text
    return text


def _cmd_completion(args: argparse.Namespace) -> int:
    sys.stdout.write(completion_script(args.shell))
    return EXIT_OK


def _named(message: str, err: Exception, args: argparse.Namespace) -> str:
    """``FILE: message`` for session content refused after the file loaded (the problems found on
    loading name the file already); with two files (``diff A B``) the message stays as it is."""
    from kickoff_tui.catalog import CatalogError
    from kickoff_tui.errors import SessionContentError

    files = [getattr(args, n) for n in FILE_ARGS if getattr(args, n, None)]
    if not isinstance(err, (SessionContentError, CatalogError)) or len(files) != 1 or str(files[0]) in message:
        return message
    return f"{getattr(args, 'stdin_label', None) or files[0]}: {message}"


def _stdin_to_file(args: argparse.Namespace) -> Path | None:
    """Replace a ``-`` input file by a temporary copy of standard input; return its folder."""
    from kickoff_tui.errors import KickoffError

    names = [n for n in FILE_ARGS if getattr(args, n, None) == "-"]
    if not names:
        return None
    if len(names) > 1:
        raise KickoffError("only one input can be read from standard input ('-')")
    if getattr(args, "set_card", None) or getattr(args, "clear", False):
        raise KickoffError("cannot record into standard input: give the session FILE")
    data = sys.stdin.buffer.read(MAX_STDIN_BYTES + 1)
    if len(data) > MAX_STDIN_BYTES:
        raise KickoffError(f"standard input is larger than {MAX_STDIN_BYTES // 1_000_000} MB")
    folder = Path(tempfile.mkdtemp(prefix="kickoff-stdin-"))
    path = folder / "stdin.toml"
    path.write_bytes(data)
    setattr(args, names[0], str(path))
    args.stdin_label = "<stdin>"  # what a command prints as the file's name (never the temp path)
    if getattr(args, "command", None) == "export" and getattr(args, "out", None) is None:
        args.out = "-"  # a report of standard input goes to standard output
    return folder


def _quiet_stdout() -> None:
    """After the reader closed the pipe: send what is still buffered nowhere, quietly."""
    # Nothing else can be done if even /dev/null cannot be opened: the command still exits 0.
    with suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


class OutputWriteError(Exception):
    """Standard output refused a write (a full disk, ``> /dev/full``, an I/O error): raised by
    :class:`_GuardedStdout` past every command's own handlers, reported by :func:`main`."""

    def __init__(self, err: OSError) -> None:
        super().__init__(err.strerror or type(err).__name__)


class _GuardedStdout:
    """Standard output for one command: a failed write or flush becomes :class:`OutputWriteError`
    (one line, exit 2) instead of an "unexpected error"; a closed pipe stays a
    :class:`BrokenPipeError` (a quiet exit 0); everything else is the real stream's."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        return self._guarded(self._stream.write, text)

    def flush(self) -> None:
        self._guarded(self._stream.flush)

    @staticmethod
    def _guarded(call: Any, *args: Any) -> Any:
        try:
            return call(*args)
        except BrokenPipeError:
            raise
        except OSError as err:
            raise OutputWriteError(err) from None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _guard_stdout() -> Any:
    """Install the guard; return what to restore. A standard output closed before the start
    (``kickoff size FILE >&-``: Python then has no ``sys.stdout``) is read like a closed pipe:
    what would be printed goes nowhere, and the command does its work."""
    original = sys.stdout
    stream = original
    if stream is None:
        with suppress(OSError):
            stream = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - lives for the command
    if stream is not None:
        sys.stdout = _GuardedStdout(stream)
    return original


def main(argv: Sequence[str] | None = None) -> int:
    """Run one ``kickoff`` command; return its exit code (0 ok, 1 infeasible or differences
    found, 2 bad input; 1 also for a bug, reported as "unexpected error").

    Every error is one line on stderr, starting ``kickoff:``, with control characters shown as
    escapes (a file name or a cell holding ESC cannot drive the terminal)."""
    from kickoff_tui.catalog import CatalogError
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
    stdin_dir: Path | None = None
    original_stdout = _guard_stdout()
    try:
        stdin_dir = _stdin_to_file(args)
        code = int(func(args) or 0)
        sys.stdout.flush()
        return code
    except (KickoffError, CatalogError) as err:
        # a catalog id a file names that this catalog lacks (a session signed on another SKU
        # list, a hand-edited one) is bad input too: one line, exit 2, never "unexpected error"
        message = _named(str(err), err, args)
        if stdin_dir is not None:
            message = message.replace(str(stdin_dir / "stdin.toml"), "<stdin>")
        print(f"kickoff: {_bounded(visible(message))}", file=sys.stderr)
        return getattr(err, "exit_code", 2)
    except OutputWriteError as err:
        _quiet_stdout()  # what is still buffered would fail again at exit
        print(f"kickoff: cannot write to standard output: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        _quiet_stdout()
        return 0
    except Exception as err:  # noqa: BLE001 - last line of defence: never a traceback
        if os.environ.get("KICKOFF_DEBUG"):
            raise
        message = _bounded(visible(" ".join(str(err).split()) or type(err).__name__))
        print(f"kickoff: unexpected error: {message} (set KICKOFF_DEBUG=1 for details)", file=sys.stderr)
        return 1
    finally:
        if isinstance(sys.stdout, _GuardedStdout):
            with suppress(OutputWriteError, OSError):
                sys.stdout.flush()
        sys.stdout = original_stdout
        if stdin_dir is not None:
            shutil.rmtree(stdin_dir, ignore_errors=True)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
