"""The key bar at the bottom of every screen."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class KeyFooter(Footer):
    """Textual's ``Footer``, rebuilt only when the keys it shows change.

    ``Footer`` rebuilds all its keys whenever the bindings may have changed, which is on every
    focus move: on the wizard that is three or four full screen layouts per answer (Tab to
    "Answered by", Tab to "Why", Enter to the next question) for a key bar that mostly reads
    the same. This one compares what it would show with what it shows and keeps it when equal.
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._shown: tuple[tuple[object, ...], ...] | None = None

    @staticmethod
    def _keys(screen: Screen) -> tuple[tuple[object, ...], ...]:
        """What the bar shows for ``screen``: each key, its words, whether it is enabled."""
        return tuple(
            (binding.key, binding.description, binding.action, enabled, tooltip, binding.group)
            for (_node, binding, enabled, tooltip) in screen.active_bindings.values()
            if binding.show
        )

    def bindings_changed(self, screen: Screen) -> None:
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            keys = self._keys(screen)
            if keys == self._shown and self._bindings_ready:
                return
            self._shown = keys
        super().bindings_changed(screen)
