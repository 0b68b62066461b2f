"""The Textual app. Import :class:`KickoffApp` from here (Textual loads only when you do)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kickoff_tui.app.app import KickoffApp

__all__ = ["KickoffApp"]


def __getattr__(name: str) -> Any:
    if name == "KickoffApp":
        from kickoff_tui.app.app import KickoffApp

        return KickoffApp
    raise AttributeError(name)
