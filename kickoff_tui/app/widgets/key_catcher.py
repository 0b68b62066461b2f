"""Holds the keys typed while one question's form replaces another, so none is lost.

Between a navigation key (PgUp, PgDn, Ctrl+B, Ctrl+N) or Enter and the moment the next
question's answer field has the focus, keys would reach the form being removed and vanish (or,
after Enter, be appended to the answer being recorded: ``1200⏎35`` recorded 120035). The wizard
focuses this invisible widget for that moment; it keeps what arrives and, once released, passes
every key on (in order, through the app, so bindings and the new field see them as typed there).
:class:`HoldingInput` is the answer field's side: Enter submits the value as it stood at that
key and hands the keys queued behind it to the catcher.
"""

from __future__ import annotations

from textual import events
from textual.widget import Widget
from textual.widgets import Input

HOLD_LIMIT_S = 3.0
"""Longest a hold lasts if nothing releases it. A form mounts in milliseconds, but recording an
answer re-sizes the spec first (well under a second, more on a loaded laptop)."""


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
        self.giving_back_to: Widget | None = None
        """The field whose Enter started the hold (to refocus if the answer is refused)."""
        self._generation = 0
        """Counts holds, so a time-out only ends the hold it was set for."""

    def hold(self, take_focus: bool = True) -> None:
        """Start holding keys (and take the focus, so new keys come here). A hold that nobody
        releases ends by itself after :data:`HOLD_LIMIT_S`: keys are never kept for good."""
        if not self.holding:
            self._generation += 1
            generation = self._generation
            self.set_timer(HOLD_LIMIT_S, lambda: self._expire(generation))
        self.holding = True
        if take_focus:
            self.screen.set_focus(self, scroll_visible=False)  # at once (focus() waits a turn)

    def _expire(self, generation: int) -> None:
        if self.holding and generation == self._generation:
            give_back(self)
            if self.has_focus:  # nothing took the focus back: do not leave it on a blank
                self.screen.focus_next()

    def release(self) -> None:
        """Stop holding and pass the held keys on. Call it once the real field's focus is
        scheduled: the keys are posted after it, so they reach that field."""
        self.holding = False
        self.giving_back_to = None
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


class HoldingInput(Input):
    """An answer field whose Enter records the value typed *up to* Enter.

    Keys reach a field in order, but Enter's binding runs only after the key has travelled up
    to the app, by which time the keys typed after it would already be in the field. Here, from
    Enter on, the field hands every further key to the screen's :class:`KeyCatcher` (Enter
    itself goes its usual way, after the edits before it); the catcher replays them into the
    next question's field, or back into this one if the answer is refused."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.diverting = False
        """True from Enter until the keys are given back (answer refused) or the form goes."""
        self.returning = False
        """Focused again after a refused answer: keep the cursor, do not select the text (the
        keys given back continue it rather than replace it)."""

    def _on_focus(self, event: events.Focus) -> None:
        if not self.returning:
            super()._on_focus(event)
            return
        self.returning = False
        keep, self.select_on_focus = self.select_on_focus, False
        try:
            super()._on_focus(event)
        finally:
            self.select_on_focus = keep

    def _catcher(self) -> KeyCatcher | None:
        found = self.screen.query(KeyCatcher)
        return found.first() if found else None

    async def _on_key(self, event: events.Key) -> None:
        catcher = self._catcher()
        if catcher is not None and self.diverting and catcher.holding:
            event.stop()
            event.prevent_default()
            catcher.held.append((event.key, event.character))
            return
        if catcher is not None and event.key == "enter":
            self.diverting = True
            catcher.hold(take_focus=False)
            catcher.giving_back_to = self
        await super()._on_key(event)


def give_back(catcher: KeyCatcher) -> None:
    """The answer after Enter was not recorded: focus the field again and replay the keys
    held since, into it."""
    field = catcher.giving_back_to
    catcher.giving_back_to = None
    if isinstance(field, HoldingInput) and field.is_attached:
        field.diverting = False
        if not field.has_focus:
            field.returning = True
            field.screen.set_focus(field, scroll_visible=False)
    catcher.release()
