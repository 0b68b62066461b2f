"""Text from people and files, made safe to show: control characters become visible escapes.

Pure (no Textual, no Rich): the app and the CLI both use :func:`visible` before text reaches a
terminal, so an escape sequence in a session title, a lock file or a file name is printed as the
characters ``\\x1b[2J`` instead of clearing the screen. The characters it rewrites are exactly the
ones the file loader refuses (:func:`kickoff_tui.record.questionnaire.control_character`), so
there is one rule for what counts as a control character.
"""

from __future__ import annotations

import re

from kickoff_tui.record.questionnaire import _CONTROL  # noqa: PLC2701 - the one control-character rule


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: object) -> str:
    """``text`` as a string with every refused control character written as ``\\xNN`` or
    ``\\uNNNN`` (tab, newline and carriage return are kept as they are)."""
    shown = str(text)
    if _CONTROL.search(shown) is None:
        return shown
    return _CONTROL.sub(_escape, shown)
