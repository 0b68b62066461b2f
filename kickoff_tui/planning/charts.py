"""Plain-terminal bar charts (no colour needed: glyphs and words carry the meaning).

Used by the CLI, the Markdown export (inside a code block) and the app's review screen.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

FULL = "█"
"""Glyph for a filled cell."""
OVER = "▓"
"""Glyph for demand beyond the marker (the sized capacity)."""
MARK = "│"
"""Glyph for the marker column."""
ASCII_GLYPHS = ("#", "!", "|")
"""Fallbacks for terminals without block characters: filled, over, marker."""


def bar_chart(
    rows: Sequence[tuple[str, float | None]],
    *,
    marker: float | None = None,
    width: int = 40,
    unit: str = "",
    over_word: str = "over",
    ascii_only: bool = False,
) -> list[str]:
    """Horizontal bars, one per row, scaled to ``width`` cells.

    ``marker`` draws a vertical line at that value (the sized capacity); cells beyond it use a
    different glyph and the row ends with ``over_word``. A ``None`` value prints ``n/a``.
    """
    full, over, mark = ASCII_GLYPHS if ascii_only else (FULL, OVER, MARK)
    values = [v for _, v in rows if v is not None and math.isfinite(v)]
    top = max([*values, marker or 0.0, 1e-12])
    scale = width / top
    label_w = max((len(label) for label, _ in rows), default=0)
    mark_col = round(marker * scale) if marker is not None else None
    lines = []
    for label, value in rows:
        if value is None or not math.isfinite(value):
            lines.append(f"{label:>{label_w}}  n/a")
            continue
        cells = max(0, round(value * scale))
        if value > 0 and cells == 0:
            cells = 1
        chars = []
        for col in range(width + 1):
            if mark_col is not None and col == mark_col:
                chars.append(mark)
            elif col < cells:
                chars.append(over if mark_col is not None and col > mark_col else full)
            else:
                chars.append(" ")
        text = "".join(chars).rstrip() if mark_col is None else "".join(chars)
        value_text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
        suffix = f"  {value_text}{(' ' + unit) if unit else ''}"
        if marker is not None and value > marker:
            suffix += f"  {over_word}"
        lines.append(f"{label:>{label_w}}  {text}{suffix}")
    return lines


def diverging_chart(
    rows: Sequence[tuple[str, float | str | None, float | str | None]],
    *,
    width: int = 20,
    ascii_only: bool = False,
) -> list[str]:
    """A tornado chart: for each row, the change for the low side (left) and the high side
    (right) around a centre line. ``None`` sides print as ``-``; a string (``"fails"``) prints as
    itself with no bar."""
    full, _, mark = ASCII_GLYPHS if ascii_only else (FULL, OVER, MARK)
    values = [abs(v) for _, lo, hi in rows for v in (lo, hi) if isinstance(v, int | float)]
    top = max([*values, 1e-12])
    scale = width / top
    label_w = max((len(label) for label, _, _ in rows), default=0)
    lines = []
    for label, low, high in rows:

        def cells(v: float | str | None) -> int:
            if not isinstance(v, int | float):
                return 0
            n = round(abs(v) * scale)
            return 1 if v and n == 0 else n

        left = full * cells(low)
        right = full * cells(high)

        def text(v: float | str | None) -> str:
            if v is None:
                return "-"
            return v if isinstance(v, str) else f"{v:+,.0f}"

        low_t, high_t = text(low), text(high)
        lines.append(
            f"{label:>{label_w}}  {low_t:>7} {left:>{width}}{mark}{right:<{width}} {high_t}"
        )
    return lines
