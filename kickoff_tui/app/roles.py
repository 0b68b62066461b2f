"""How the three roles are shown: a short label AND a colour, never the colour alone."""

from __future__ import annotations

from kickoff_tui.record.questionnaire import ROLE_LABELS, ROLES

ROLE_BADGES: dict[str, str] = {
    "app_owner": "APP OWNER",
    "ai_team": "AI TEAM",
    "it": "IT",
}
"""Upper-case label printed inside each role badge."""

ROLE_SHORT: dict[str, str] = {"app_owner": "APP", "ai_team": "AI", "it": "IT"}
"""Shortest label, for narrow lists (still a word, not just a colour)."""

ROLE_VARIABLES: dict[str, str] = {"app_owner": "role-app", "ai_team": "role-ai", "it": "role-it"}
"""Theme variable holding each role's colour (see ``kickoff_tui.app.themes``)."""


def role_class(role: str) -> str:
    """CSS class that colours a badge for ``role`` (``role-app``, ``role-ai``, ``role-it``)."""
    return ROLE_VARIABLES.get(role, "role-app")


def badge_markup(role: str, *, short: bool = False) -> str:
    """Content markup for an inline role badge: reversed colour with the label inside."""
    label = (ROLE_SHORT if short else ROLE_BADGES).get(role, role.upper())
    return f"[b $role-text on ${ROLE_VARIABLES.get(role, 'role-app')}] {label} [/]"


def role_label(role: str) -> str:
    """Plain-words role name ("application owner")."""
    return ROLE_LABELS.get(role, role)


__all__ = ["ROLES", "ROLE_BADGES", "ROLE_SHORT", "badge_markup", "role_class", "role_label"]
