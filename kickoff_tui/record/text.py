"""Untrusted text on its way to a terminal or a file name (pure; no Textual, no I/O).

Session files, CSV cells, lock files and file names come from other people. Two rules keep them
harmless wherever Kickoff prints them:

* :func:`visible` shows every control character as a visible escape (ESC becomes ``\\x1b``), so
  an escape sequence in a title or a file name can never clear the screen, retitle the window
  or hide text: it is printed, not obeyed.
* :func:`plain_markup_safe` additionally escapes Rich markup, so ``see [/] the logs`` is printed
  as written instead of crashing a Rich console (``MarkupError``) or changing its style.

:func:`safe_basename` turns text from a session (its id, its title) into a file name that cannot
leave the folder the user chose.
"""

from __future__ import annotations

import re
import unicodedata

_INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f"  # C0 (tab and newline handled below), DEL, C1
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"  # bidi marks, embeddings, overrides, isolates
    "\u2028\u2029"  # line and paragraph separators (a terminal may break the line)
    "\ud800-\udfff]"  # lone surrogates (cannot be encoded; some terminals misbehave)
)
"""Characters a terminal obeys or hides rather than shows."""


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: object, *, keep_newlines: bool = False) -> str:
    """``text`` with every control character shown as an escape (``\\x1b``, ``\\u202e``).

    Tab stays a tab. Newlines become ``\\n`` unless ``keep_newlines`` (multi-line output such
    as a replay); a carriage return is always escaped (it would let a line overwrite itself)."""
    text = str(text)
    if not keep_newlines:
        text = text.replace("\n", "\\n")
    return _INVISIBLE.sub(_escape, text)


def plain_markup_safe(text: object, *, keep_newlines: bool = False) -> str:
    """:func:`visible`, then Rich markup escaped: safe inside a ``console.print`` f-string or a
    Rich table cell (``[/]`` prints as ``[/]``)."""
    from rich.markup import escape

    return escape(visible(text, keep_newlines=keep_newlines))


MAX_BASENAME_CHARS = 100
"""Longest file name (without suffix) made from session text: well below the 255 bytes most
file systems allow, leaving room for a suffix such as ``-deploy`` or ``.toml``."""

_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]+")


def safe_basename(text: object, fallback: str = "session") -> str:
    """A file name made from ``text`` (a session id or title) that stays in its folder.

    Only letters, digits, ``_``, ``.`` and ``-`` survive (anything else, path separators
    included, becomes ``-``); no leading dot (no hidden file, no ``..``), no trailing dot or
    dash, at most :data:`MAX_BASENAME_CHARS` characters; ``fallback`` when nothing is left.
    ``/srv/escape/by-id`` becomes ``srv-escape-by-id``; ``../../x`` becomes ``x``."""
    name = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    name = _UNSAFE_NAME.sub("-", name)
    name = re.sub(r"\.{2,}", ".", name)  # no ".." anywhere
    name = name.strip(".-_")[:MAX_BASENAME_CHARS].rstrip(".-_")
    if not name or name in (".", ".."):
        name = fallback
    return name


COOLING_WORDS: dict[str, str] = {
    "air": "air",
    "rdhx": "rear-door heat exchanger",
    "dlc": "direct liquid cooling",
    "immersion": "immersion",
}
"""Cooling ids as people say them (the catalog and the sizer use the short ids)."""


BOUND_WORDS: dict[str, str] = {
    "memory": "GPU memory (weights + KV cache)",
    "tpot": "time per output token (TPOT SLO)",
    "ttft": "time to first token (TTFT SLO)",
    "load": "peak load (concurrency)",
    "power": "rack power",
    "redundancy": "redundancy policy",
    "headroom": "growth headroom",
    "none": "nothing binding yet",
}
"""Plain-language names for a spec's binding constraint (``SizedSpec.binding_constraint``)."""


def clip(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, ending in "…" when it was longer (a cut name must
    look cut: "H100 SXM5 80G" reads as a real SKU, "closest layout: T" as a garbled one)."""
    if width <= 0:
        return ""
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def bound_words(constraint: str) -> str:
    """``tpot`` -> "time per output token (TPOT SLO)"; unknown ids stay as they are."""
    return BOUND_WORDS.get(constraint, constraint)


def cooling_words(cooling: str) -> str:
    """``dlc`` -> "direct liquid cooling"; unknown ids stay as they are."""
    return COOLING_WORDS.get(cooling, cooling)


def engine_words(engine: str) -> str:
    """``vllm`` -> "vLLM (CUDA)": the serving engine's name from the catalog (the id when the
    catalog does not know it)."""
    try:
        from kickoff_tui.catalog.engines import get_engine

        return get_engine(engine).name
    except Exception:  # noqa: BLE001 - an unknown id reads as itself
        return engine

