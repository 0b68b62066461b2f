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


# --- SVG (report) charts -------------------------------------------------------------------------
#
# Hand-written SVG: a report chart is a handful of rectangles and labels, which needs no charting
# runtime. Each function returns one self-contained ``<svg>`` document (fonts fall back to the
# reader's sans-serif), readable in a browser, a wiki, an email client that shows images, and
# inlined by the HTML export.

from xml.sax.saxutils import escape as _xml

SVG_WIDTH = 760
"""Width of every report chart in CSS pixels (fits an A4 page and a 800-px email column)."""
SVG_ROW = 26
"""Height of one bar row."""
SVG_FONT = "font-family=\"Helvetica, Arial, sans-serif\""
"""Text style of the charts."""
SVG_COLOURS = {"bar": "#3b6ea5", "over": "#d9822b", "chosen": "#1f4e79", "marker": "#c0392b",
               "grid": "#d0d7de", "text": "#1f2328", "muted": "#57606a", "low": "#3b6ea5",
               "high": "#d9822b", "fail": "#c0392b"}
"""Colour-blind-safe blue/orange pair, red only for the marker line and failures."""


def _num(value: float, unit: str = "") -> str:
    if unit.startswith("$"):
        return f"${value:,.0f}{unit[1:]}"
    text = f"{value:,.0f}" if float(value).is_integer() or abs(value) >= 100 else f"{value:,.1f}"
    return f"{text} {unit}".strip()


def _svg(height: int, title: str, body: list[str]) -> str:
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{SVG_WIDTH}" height="{height}" '
            f'viewBox="0 0 {SVG_WIDTH} {height}" role="img" aria-label="{_xml(title)}">',
            f"<title>{_xml(title)}</title>",
            f'<rect width="{SVG_WIDTH}" height="{height}" fill="#ffffff"/>',
            f'<text x="12" y="22" {SVG_FONT} font-size="15" font-weight="bold" '
            f'fill="{SVG_COLOURS["text"]}">{_xml(title)}</text>',
            *body,
            "</svg>",
            "",
        ]
    )


def svg_bar_chart(
    rows: Sequence[tuple[str, float | None]],
    *,
    title: str,
    unit: str = "",
    marker: float | None = None,
    marker_label: str = "",
    highlight: str | None = None,
    note: str = "",
) -> str:
    """Horizontal bars with their values; ``marker`` draws a dashed line (the sized fleet) and
    bars beyond it turn orange; ``highlight`` is the label drawn darker (the chosen option)."""
    label_w = min(260, 16 + 7 * max((len(label) for label, _ in rows), default=4))
    left, right = label_w, SVG_WIDTH - 120
    values = [v for _, v in rows if v is not None and math.isfinite(v)]
    top = max([*values, marker or 0.0, 1e-12])
    scale = (right - left) / top
    y0 = 40
    body: list[str] = []
    for i, (label, value) in enumerate(rows):
        y = y0 + i * SVG_ROW
        body.append(
            f'<text x="{left - 8}" y="{y + 17}" {SVG_FONT} font-size="13" text-anchor="end" '
            f'fill="{SVG_COLOURS["text"]}">{_xml(label)}</text>'
        )
        if value is None or not math.isfinite(value):
            body.append(
                f'<text x="{left + 4}" y="{y + 17}" {SVG_FONT} font-size="13" fill="{SVG_COLOURS["muted"]}">'
                "n/a</text>"
            )
            continue
        colour = SVG_COLOURS["chosen" if label == highlight else "bar"]
        if marker is not None and value > marker:
            colour = SVG_COLOURS["over"]
        width = max(1.0, value * scale)
        body.append(
            f'<rect x="{left}" y="{y + 4}" width="{width:.1f}" height="{SVG_ROW - 8}" '
            f'fill="{colour}" rx="2"/>'
        )
        body.append(
            f'<text x="{left + width + 6:.1f}" y="{y + 17}" {SVG_FONT} font-size="13" '
            f'fill="{SVG_COLOURS["text"]}" stroke="#ffffff" stroke-width="3" '
            f'paint-order="stroke">{_xml(_num(value, unit))}</text>'
        )
    bottom = y0 + len(rows) * SVG_ROW
    if marker is not None:
        x = left + marker * scale
        body.insert(  # under the bars' value labels, which keep a white halo over it
            0,
            f'<line x1="{x:.1f}" y1="{y0 - 4}" x2="{x:.1f}" y2="{bottom + 2}" '
            f'stroke="{SVG_COLOURS["marker"]}" stroke-width="2" stroke-dasharray="5,3"/>',
        )
        body.append(
            f'<text x="{x:.1f}" y="{bottom + 18}" {SVG_FONT} font-size="13" text-anchor="middle" '
            f'fill="{SVG_COLOURS["marker"]}">{_xml(marker_label or _num(marker, unit))}</text>'
        )
        bottom += 20
    if note:
        body.append(
            f'<text x="12" y="{bottom + 20}" {SVG_FONT} font-size="12" '
            f'fill="{SVG_COLOURS["muted"]}">{_xml(note)}</text>'
        )
        bottom += 20
    return _svg(bottom + 12, title, body)


def svg_tornado(
    rows: Sequence[tuple[str, float | str | None, float | str | None]],
    *,
    title: str,
    unit: str = "",
    note: str = "",
) -> str:
    """Tornado chart: the change for the low side (left, blue) and the high side (right, orange)
    around a centre line; a string side (``"fails"``) is written in red instead of a bar."""
    label_w = min(240, 16 + 7 * max((len(label) for label, _, _ in rows), default=4))
    centre = label_w + (SVG_WIDTH - label_w) / 2
    half = (SVG_WIDTH - label_w) / 2 - 70
    values = [abs(v) for _, lo, hi in rows for v in (lo, hi) if isinstance(v, int | float)]
    scale = half / max([*values, 1e-12])
    y0 = 40
    body: list[str] = []
    for i, (label, low, high) in enumerate(rows):
        y = y0 + i * SVG_ROW
        body.append(
            f'<text x="{label_w - 8}" y="{y + 17}" {SVG_FONT} font-size="13" text-anchor="end" '
            f'fill="{SVG_COLOURS["text"]}">{_xml(label)}</text>'
        )
        bar_h = (SVG_ROW - 8) / 2
        for k, (key, value) in enumerate((("low", low), ("high", high))):
            top = y + 4 + k * bar_h
            if value is None:
                continue
            if isinstance(value, str):
                body.append(
                    f'<text x="{centre + 8:.1f}" y="{top + bar_h - 1:.1f}" {SVG_FONT} '
                    f'font-size="11" fill="{SVG_COLOURS["fail"]}">{_xml(value)}</text>'
                )
                continue
            width = abs(value) * scale
            x = centre if value >= 0 else centre - width
            if width:
                body.append(
                    f'<rect x="{x:.1f}" y="{top:.1f}" width="{width:.1f}" height="{bar_h:.1f}" '
                    f'fill="{SVG_COLOURS[key]}"/>'
                )
            tx = centre + width + 6 if value >= 0 else centre - width - 6
            anchor = "start" if value >= 0 else "end"
            body.append(
                f'<text x="{tx:.1f}" y="{top + bar_h - 1:.1f}" {SVG_FONT} font-size="11" '
                f'text-anchor="{anchor}" fill="{SVG_COLOURS["text"]}">'
                f'{_xml(f"{value:+,.0f}" if value else "0")}</text>'
            )
    bottom = y0 + len(rows) * SVG_ROW
    body.append(
        f'<line x1="{centre:.1f}" y1="{y0 - 4}" x2="{centre:.1f}" y2="{bottom + 2}" '
        f'stroke="{SVG_COLOURS["text"]}" stroke-width="1"/>'
    )
    legend = (
        f"Change in {unit}: blue = input lowered 50%, orange = input raised 50% or switched; "
        "right of the line = more"
        if unit
        else ""
    )
    for text in (legend, note):
        if text:
            body.append(
                f'<text x="12" y="{bottom + 20}" {SVG_FONT} font-size="12" '
                f'fill="{SVG_COLOURS["muted"]}">{_xml(text)}</text>'
            )
            bottom += 20
    return _svg(bottom + 12, title, body)
