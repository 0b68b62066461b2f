"""Holds the keys typed while one question's form replaces another, so none is lost.

Between a navigation key (PgUp, PgDn, Ctrl+B, Ctrl+N) and the moment the next question's answer
field has the focus, keys would reach the form being removed and vanish. The wizard focuses this
invisible widget for that moment; it keeps what arrives and, once released, passes every key on
(in order, through the app, so bindings and the new field see them as if typed there).
"""

from __future__ import annotations

from textual import events
from textual.widget import Widget


class KeyCatcher(Widget, can_focus=True):
    """A zero-size widget that holds keys while :attr:`holding` and replays them after."""

    DEFAULT_CSS = """
    KeyCatcher { width: 0; height: 0; }
    """

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.held: list[tuple[str, str | None]] = []
        """Keys received while holding, oldest first."""
        self.holding = False
        """True from :meth:`hold` until :meth:`release`."""
        self._replayed: set[int] = set()
        """Ids of the key events this widget posted (one coming back here is dropped)."""

    def hold(self) -> None:
        """Take the focus and start holding keys."""
        self.holding = True
        self.screen.set_focus(self, scroll_visible=False)  # at once (focus() waits a turn)

    def release(self) -> None:
        """Stop holding and pass the held keys on. Call it once the real field's focus is
        scheduled: the keys are posted after it, so they reach that field."""
        self.holding = False
        held, self.held = self.held, []
        for key, character in held:
            self._pass_on(key, character)

    def _pass_on(self, key: str, character: str | None) -> None:
        replay = events.Key(key, character)
        self._replayed.add(id(replay))
        self.app.post_message(replay)

    def on_key(self, event: events.Key) -> None:
        event.stop()
        event.prevent_default()
        if self.holding:
            self.held.append((event.key, event.character))
        elif id(event) in self._replayed:  # came back: nothing else took the focus; drop it
            self._replayed.discard(id(event))
        else:  # arrived after the release, still in this widget's queue
            self._pass_on(event.key, event.character)
