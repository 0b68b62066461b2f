"""Kickoff's colour themes: a dark one and a light one tuned for projectors.

Projectors wash out mid-tones, so both themes keep strong contrast between text and background
and give each role a hue far from the others. Roles are never shown by colour alone: every
badge also carries the role's name (see ``kickoff_tui.app.roles``).
"""

from __future__ import annotations

from textual.theme import Theme

DARK_THEME = "kickoff-dark"
"""Default theme name."""
LIGHT_THEME = "kickoff-light"
"""Light theme name (bright rooms, washed-out projectors)."""

ROLE_VARIABLE_DEFAULTS: dict[str, str] = {
    "role-app": "#c678dd",
    "role-ai": "#56b6c2",
    "role-it": "#e5a04b",
    "role-text": "#101010",
}
"""Fallback role colours for themes that do not define them (Textual's built-in themes)."""

KICKOFF_DARK = Theme(
    name=DARK_THEME,
    primary="#4f9fe8",
    secondary="#56b6c2",
    accent="#f0c05a",
    warning="#f0a030",
    error="#ff5f5f",
    success="#5fd75f",
    foreground="#ececec",
    background="#12151a",
    surface="#1b2028",
    panel="#242b36",
    dark=True,
    variables={
        "role-app": "#c678dd",
        "role-ai": "#3fc1c9",
        "role-it": "#f0a848",
        "role-text": "#0b0b0b",
        "footer-key-foreground": "#f0c05a",
    },
)
"""High-contrast dark theme (the default)."""

KICKOFF_LIGHT = Theme(
    name=LIGHT_THEME,
    primary="#1d5fa8",
    secondary="#0f7c83",
    accent="#8a5a00",
    warning="#b35c00",
    error="#c0181f",
    success="#1d7a1d",
    foreground="#111111",
    background="#fbfbf8",
    surface="#f0efe9",
    panel="#e2e0d6",
    dark=False,
    variables={
        "role-app": "#7b2f9e",
        "role-ai": "#0b6e75",
        "role-it": "#9a4f00",
        "role-text": "#ffffff",
        "footer-key-foreground": "#1d5fa8",
    },
)
"""Light theme with dark text; role colours darkened so white labels stay readable."""

THEMES: tuple[Theme, ...] = (KICKOFF_DARK, KICKOFF_LIGHT)
"""Themes registered by the app (Textual's own themes stay available too)."""
