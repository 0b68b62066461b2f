"""Small display helpers shared by panels and screens (formatting only, no sizing logic)."""

from __future__ import annotations

from textual.markup import escape

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
    """Escape user text for Textual content markup."""
    return escape(str(text))
