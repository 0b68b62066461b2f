"""Red flags as the room sees them: severity (word + glyph + colour), owner role, the fix."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from kickoff_tui.app.format import safe
from kickoff_tui.app.messages import FlagAction
from kickoff_tui.app.roles import badge_markup
from kickoff_tui.record import FlagRecord

SEVERITY_MARKS: dict[str, tuple[str, str, str]] = {
    "critical": ("■", "CRITICAL", "$error"),
    "warning": ("▲", "WARNING", "$warning"),
    "info": ("●", "INFO", "$primary"),
}
"""(glyph, word, colour) per severity: readable without colour."""


def severity_markup(severity: str) -> str:
    """Inline severity tag, e.g. ``■ CRITICAL`` in the error colour."""
    glyph, word, colour = SEVERITY_MARKS.get(severity, ("●", severity.upper(), "$primary"))
    return f"[b {colour}]{glyph} {word}[/]"


def flag_prompt(flag: FlagRecord, *, compact: bool = False) -> str:
    """Multi-line option text for one flag (message, fix, and state when acknowledged)."""
    head = f"{severity_markup(flag.severity)} {badge_markup(flag.owner, short=True)} {safe(flag.message)}"
    if flag.state == "acknowledged":
        reason = f"\n  reason: {safe(flag.reason)} ({safe(flag.by)})" if not compact else ""
        return (f"[$success]✓ ACKNOWLEDGED[/] {badge_markup(flag.owner, short=True)} "
                f"[dim]{safe(flag.message)}{reason}[/]")
    if compact:
        return head
    return f"{head}\n  [b]Fix:[/] {safe(flag.fix)}"


def flags_summary(flags: list[FlagRecord]) -> str:
    """Title line: how many flags are open, by severity, and how many are acknowledged."""
    open_flags = [f for f in flags if f.state == "open"]
    acked = [f for f in flags if f.state == "acknowledged"]
    if not open_flags:
        tail = f" · {len(acked)} acknowledged" if acked else ""
        return f"[b $success]✓ No open red flags[/]{tail}"
    counts = []
    for severity in ("critical", "warning", "info"):
        n = sum(1 for f in open_flags if f.severity == severity)
        if n:
            counts.append(f"{n} {severity}")
    tail = f" · {len(acked)} acknowledged" if acked else ""
    return f"[b $error]⚑ {len(open_flags)} open red flag{'s' if len(open_flags) > 1 else ''}[/] ({', '.join(counts)}){tail}"


class FlagsPanel(Vertical):
    """Summary line plus a list of open and acknowledged flags; Enter/click opens one."""

    def compose(self) -> ComposeResult:
        yield Static("", id="flags-summary")
        yield OptionList(id="flags-list")

    def __init__(self, *, compact: bool = False, id: str | None = None) -> None:
        super().__init__(id=id)
        self.compact = compact
        """One line per flag (the fix shows when the flag is opened)."""

    def show(self, flags: list[FlagRecord], *, highlight: set[str] | None = None) -> None:
        """Display ``flags`` (open first, most severe first); ``highlight`` marks new ones."""
        self.query_one("#flags-summary", Static).update(flags_summary(flags))
        listing = self.query_one("#flags-list", OptionList)
        keep = listing.highlighted_option.id if listing.highlighted_option else None
        options = []
        for flag in flags:
            prompt = flag_prompt(flag, compact=self.compact)
            if highlight and flag.id in highlight:
                prompt = "[b reverse] NEW [/] " + prompt
            options.append(Option(prompt, id=flag.id))
        listing.set_options(options)
        listing.display = bool(options)
        self.set_class(any(f.state == "open" for f in flags), "-has-open")
        if keep and any(o.id == keep for o in options):
            listing.highlighted = listing.get_option_index(keep)

    @on(OptionList.OptionSelected, "#flags-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(FlagAction(event.option.id, "open"))
