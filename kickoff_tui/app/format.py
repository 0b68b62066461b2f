"""Small display helpers shared by panels and screens (formatting only, no sizing logic)."""

from __future__ import annotations

from rich.text import Text
from textual.content import Content

from kickoff_tui.record.text import clip, visible  # noqa: F401 - clip is part of this module's API

ASSUMED_TAG = "[dim italic]assumed[/]"
"""Marker after a figure whose inputs are still defaults (a word, never colour alone)."""


def money(value: float | None) -> str:
    """``$12,345`` for a dollar amount, or an em dash when there is no price."""
    if value is None:
        return "—"
    if value >= 1_000_000:
        return f"${value / 1_000_000:,.2f}M"
    return f"${value:,.0f}"


def kw(value: float) -> str:
    """Power in kW with one decimal below 100 kW, none above."""
    return f"{value:,.1f} kW" if value < 100 else f"{value:,.0f} kW"


def gb(value: float) -> str:
    """Memory in GB, one decimal."""
    return f"{value:,.1f} GB"


def ms(value: float | None) -> str:
    """Latency in milliseconds, or an em dash."""
    if value is None:
        return "—"
    return f"{value:,.0f} ms" if value >= 10 else f"{value:,.1f} ms"


def safe(text: object) -> str:
    """User or file text, to put inside content markup: every ``[`` escaped (``[/]`` shows as
    typed instead of closing a tag; so does an unclosed ``[/b`` next to the markup's own tags,
    or a name cut inside a tag, which Textual's ``escape`` leaves as they are and its parser then
    rejects) and control characters shown as ``\\x1b``-style escapes."""
    return visible(text, keep_newlines=True).replace("[", "\\[")


def plain(text: object) -> Content:
    """User or file text as widget content that is never parsed as markup (labels of radio
    buttons, static lines made of nothing but that text)."""
    return Content(visible(text, keep_newlines=True))


def cell(text: object, style: str = "") -> Text:
    """User or file text as a Rich ``Text`` (never markup): for DataTable cells and Select
    options, which parse plain strings as markup."""
    return Text(visible(text, keep_newlines=True), style=style)
