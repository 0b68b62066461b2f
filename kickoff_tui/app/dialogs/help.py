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
        keys = "\n".join(
            f"[b $accent]{safe(k):>14}[/]  [b]{safe(d)}[/]" + (f"  [dim]{safe(t)}[/]" if t else "")
            for k, d, t in binding_rows(self._target)
        )
        with Vertical(id="help-box"):
            yield Static("Kickoff help", id="help-title")
            with VerticalScroll(id="help-body"):
                yield Static(HOW_IT_WORKS, id="help-how")
                yield Static("[b]Keys on this screen[/]", classes="help-heading")
                yield Static(keys or "[dim]No keys.[/]", id="help-keys")
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
