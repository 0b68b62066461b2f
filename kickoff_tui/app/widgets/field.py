"""The one-line text field every screen uses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import events
from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Input


class Field(Input):
    """Textual's ``Input``, without a screen layout on every key.

    ``Input`` records the width of its text as its virtual size, and a virtual size change
    re-lays out the whole screen: on the wizard that is most of the cost of a typed key
    (a full layout and a repaint of every panel, against a repaint of the one line typed in).
    Kickoff's fields never size themselves to their text (their width comes from the
    stylesheet, never ``auto``), so the virtual size only has to move the scroll range: a
    repaint of the field does that.
    """

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    def __init__(self, *args: Any, paste: Callable[[str], str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.paste_filter = paste
        """Turns pasted text into what the field holds (a multi-line paste: the line breaks
        become the answer's separators); None keeps Textual's rule (the first line only)."""

    def _on_paste(self, event: events.Paste) -> None:
        if self.paste_filter is None or not event.text:
            return  # Input's own handler runs next (Textual calls each class's handler)
        event.prevent_default()  # ... but not after this one
        text = self.paste_filter(event.text)
        if self.selection.is_empty:
            self.insert_text_at_cursor(text)
        else:
            self.replace(text, *self.selection)
        event.stop()

    def action_paste(self) -> None:
        """Paste the app's own clipboard (Ctrl+V), through the same filter as a terminal paste."""
        if self.paste_filter is None:
            super().action_paste()
            return
        start, end = self.selection
        self.replace(self.paste_filter(self.app.clipboard), start, end)
