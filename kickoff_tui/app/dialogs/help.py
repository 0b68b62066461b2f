"""F1 help: how a kickoff runs, and every key binding of the screen underneath."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Static

from kickoff_tui.app.format import safe

HOW_IT_WORKS = (
    "[b]How a kickoff runs[/]\n"
    "1. [b]Participants[/]: add who is in the room and their role ([b]APP[/] application owner, "
    "[b]AI[/] AI team, [b]IT[/] infrastructure).\n"
    "2. [b]Questions[/]: each question names the role that owns it. Type or pick the answer, say "
    "who gave it and why, then record it: [b]Enter[/] in a text or number field, [b]Ctrl+S[/] "
    "anywhere (on a choice, Enter only picks). It is saved to disk at once.\n"
    "3. The [b]spec[/] on the right is re-sized after every answer. Figures marked [i]assumed[/] "
    "still rest on defaults; answer more questions to firm them up.\n"
    "4. [b]Red flags[/] appear the moment an answer looks wrong. Fix the answer, or acknowledge "
    "the flag with a reason.\n"
    "5. [b]Review[/]: check the spec and decision log, sign off as IT and AI team, set a review "
    "cadence, then export TOML and Markdown.\n"
)
# One line per step, wrapped by the dialog to its width (hard line breaks broke mid-sentence at
# 80 columns).
"""Text at the top of the help dialog: the whole meeting in five steps."""


KEY_NAMES: dict[str, str] = {
    "pagedown": "PgDn", "pageup": "PgUp", "escape": "Esc", "enter": "Enter", "home": "Home",
    "end": "End", "left": "←", "right": "→", "up": "↑", "down": "↓", "tab": "Tab",
}
"""How special keys are written in the help."""


def key_label(keys: str) -> str:
    """``"pagedown,ctrl+n"`` -> ``"PgDn / Ctrl+N"``."""
    labels = []
    for key in keys.split(","):
        *mods, base = key.strip().split("+")
        name = KEY_NAMES.get(base, base.upper() if len(base) == 1 or base.startswith("f") else base)
        labels.append("+".join([*(m.capitalize() for m in mods), name]))
    return " / ".join(labels)


def binding_rows(screen: Screen) -> list[tuple[str, str, str]]:
    """(keys, description, tooltip) for the screen's own bindings, then the app's."""
    rows: list[tuple[str, str, str]] = []
    for binding in [*getattr(type(screen), "BINDINGS", []), *type(screen.app).BINDINGS]:
        if not isinstance(binding, Binding) or binding.system or not binding.description:
            continue
        keys = binding.key
        keymap = getattr(screen.app, "_keymap", {}) or {}
        if binding.id and binding.id in keymap:
            keys = keymap[binding.id]
        rows.append((key_label(keys), binding.description, binding.tooltip))
    return rows


KEY_COLUMN = 14
"""Cells of the right-aligned key column; descriptions start two cells after it."""


def key_lines(rows: list[tuple[str, str, str]], width: int) -> str:
    """The key table as markup, each description (bold) and tooltip (dim) wrapped to ``width``
    cells under its own column (a wrapped line used to start at the left edge, under the keys,
    at 80 columns)."""
    indent = KEY_COLUMN + 2
    room = max(width - indent, 20)
    out: list[str] = []
    for keys, description, tooltip in rows:
        words = [(w, "b") for w in description.split()] + [(w, "dim") for w in tooltip.split()]
        lines: list[list[tuple[str, str]]] = [[]]
        used = 0
        for word, style in words:
            extra = len(word) + (1 if lines[-1] else 0) + (1 if lines[-1] and style != lines[-1][-1][1] else 0)
            if lines[-1] and used + extra > room:
                lines.append([])
                used, extra = 0, len(word)
            lines[-1].append((word, style))
            used += extra
        for n, line in enumerate(lines):
            head = f"[b $accent]{safe(keys):>{KEY_COLUMN}}[/]  " if n == 0 else " " * indent
            body = ""
            for i, (word, style) in enumerate(line):
                gap = "" if i == 0 else ("  " if style != line[i - 1][1] else " ")
                body += f"{gap}[{style}]{safe(word)}[/]"
            out.append(head + body)
    return "\n".join(out)


class KeyTable(Static):
    """The screen's keys, re-wrapped to the dialog's width."""

    def __init__(self, rows: list[tuple[str, str, str]], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows = rows

    def render(self):  # noqa: ANN201 - Content
        from textual.content import Content

        if not self.rows:
            return Content.from_markup("[dim]No keys.[/]")
        return Content.from_markup(key_lines(self.rows, self.content_size.width or 76))

    def on_resize(self) -> None:
        self.refresh(layout=True)


class HelpDialog(ModalScreen[None]):
    """Modal help; Escape, F1 or the Close button dismiss it."""

    BINDINGS = [
        Binding("escape,f1,q", "dismiss", "Close help", id="help.close",
                tooltip="Close this help and return to the screen underneath."),
    ]

    def __init__(self, target: Screen) -> None:
        super().__init__()
        self._target = target
        """Screen whose key bindings are listed."""

    def compose(self) -> ComposeResult:
        topic = getattr(self._target, "help_topic", None)
        topic_text = topic() if callable(topic) else ""
        with Vertical(id="help-box"):
            yield Static("Kickoff help", id="help-title")
            with VerticalScroll(id="help-body"):
                if topic_text:
                    # F1 on a question: its whole "why it matters" first (below 30 rows the
                    # form shows only its first lines)
                    yield Static(topic_text, id="help-topic")
                yield Static(HOW_IT_WORKS, id="help-how", classes="help-heading" if topic_text else "")
                yield Static("[b]Keys on this screen[/]", classes="help-heading")
                yield KeyTable(binding_rows(self._target), id="help-keys")
                yield Static(
                    "[b]Also[/]: [b]Ctrl+P[/] opens the command palette (every action, jump to a "
                    "question, export, replay, theme). The mouse works everywhere. [b]Tab[/] "
                    "moves between fields.",
                    classes="help-note",
                )
            yield Button("Close (Esc)", id="help-close", variant="primary")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)
