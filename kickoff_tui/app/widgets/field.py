"""The one-line text field every screen uses."""

from __future__ import annotations

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
