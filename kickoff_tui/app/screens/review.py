"""Review: the sized spec, SKU comparison, decision log, open flags, sign-off, cadence, export."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import (
    Button,
    DataTable,
    Footer,
    Header,
    Input,
    Label,
    Select,
    Static,
    TabbedContent,
    TabPane,
)

from kickoff_tui.app.controller import Controller
from kickoff_tui.app.dialogs.flag import FlagDecision, FlagDialog
from kickoff_tui.app.format import money, ms, safe
from kickoff_tui.app.messages import FlagAction
from kickoff_tui.app.roles import ROLE_BADGES, ROLE_SHORT, ROLE_VARIABLES, badge_markup, role_label
from kickoff_tui.app.widgets.charts import MemoryChart, SkuBars
from kickoff_tui.app.widgets.flags_panel import FlagsPanel
from kickoff_tui.app.widgets.spec_panel import SpecPanel
from kickoff_tui.errors import KickoffError
from kickoff_tui.record import CADENCE_MONTHS, SIGNOFF_ROLES

WHY_ORDER: tuple[str, ...] = (
    "gpus_per_replica", "concurrency_per_replica", "replicas", "total_gpus", "nodes", "racks",
    "it_power_kw", "cooling", "tpot_ms", "ttft_ms", "cost_per_hour",
)
"""Order of the spec's explanations on the review screen (others follow)."""


class ReviewScreen(Screen[str | None]):
    """Dismisses with a question id to open in the wizard (or None)."""

    BINDINGS = [
        Binding("escape", "back", "Back to questions", id="review.back",
                tooltip="Return to the questions (nothing is lost)."),
        Binding("ctrl+s", "export_both", "Export", id="review.export",
                tooltip="Write the session as TOML and Markdown to the export folder."),
        Binding("ctrl+e", "export_toml", "Export TOML", id="review.export_toml", show=False,
                tooltip="Write the session record (TOML) to the export folder."),
        Binding("ctrl+y", "export_markdown", "Export Markdown", id="review.export_md",
                show=False, tooltip="Write the decision record (Markdown) to the export folder."),
    ]

    @property
    def controller(self) -> Controller:
        return self.app.controller  # type: ignore[attr-defined,no-any-return]

    def compose(self) -> ComposeResult:
        session = self.controller.require()
        yield Header()
        with TabbedContent(id="review-tabs", initial="tab-spec"):
            with TabPane("Spec", id="tab-spec"):
                with Horizontal(id="review-spec-row"):
                    with Vertical(id="review-spec-col"):
                        yield SpecPanel(id="review-spec")
                        yield MemoryChart(id="review-memory")
                    with VerticalScroll(id="review-why-col"):
                        yield Static("", id="review-why")
            with TabPane("SKUs", id="tab-skus"):
                with VerticalScroll():
                    yield Static("[b]Same workload on every SKU[/] [dim](▶ = chosen)[/]",
                                 classes="section-title")
                    yield SkuBars(id="review-sku-bars")
                    yield DataTable(id="review-skus", zebra_stripes=True, cursor_type="row")
            with TabPane("Decision log", id="tab-log"):
                yield DataTable(id="review-log", zebra_stripes=True, cursor_type="row")
            with TabPane("Flags", id="tab-flags"):
                yield FlagsPanel(id="review-flags")
            with TabPane("Sign-off & export", id="tab-signoff"):
                with VerticalScroll(id="signoff-scroll"):
                    yield Static("", id="signoff-status")
                    for role in SIGNOFF_ROLES:
                        people = [(p.name, p.name) for p in session.participants if p.role == role]
                        with Horizontal(classes="signoff-row"):
                            yield Static(badge_markup(role), classes="signoff-badge")
                            yield Select(people, prompt=f"Who signs for {role_label(role)}",
                                         value=people[0][1] if people else Select.NULL,
                                         allow_blank=not people, id=f"signoff-{role}-who")
                            yield Button(f"Sign off as {ROLE_BADGES[role]}", id=f"signoff-{role}",
                                         variant="success")
                    yield Label("Review cadence: when do we look at these inputs again?")
                    with Horizontal(classes="signoff-row"):
                        yield Select([(c, c) for c in CADENCE_MONTHS],
                                     value=session.cadence.every if session.cadence else "quarterly",
                                     allow_blank=False, id="cadence-every")
                        yield Select([(f"{p.name} · {ROLE_SHORT[p.role]}", str(i))
                                      for i, p in enumerate(session.participants)],
                                     prompt="Set by", allow_blank=not session.participants,
                                     value="0" if session.participants else Select.NULL,
                                     id="cadence-by")
                        yield Button("Set cadence", id="cadence-set", variant="primary")
                    yield Label("Export folder ('.' = the folder Kickoff was started in)")
                    with Horizontal(classes="signoff-row"):
                        yield Input(".", id="export-dir")
                        yield Button("Export TOML", id="export-toml", variant="primary")
                        yield Button("Export Markdown", id="export-md")
                    yield Static("", id="export-status")
        yield Footer()

    def on_mount(self) -> None:
        session = self.controller.require()
        self.title = f"Review · {session.title}"
        self.sub_title = "spec, decision log, sign-off, export"
        skus = self.query_one("#review-skus", DataTable)
        skus.add_columns("SKU", "Fits", "TP", "Replicas", "GPUs", "Nodes", "kW", "$/month",
                         "TPOT")
        log = self.query_one("#review-log", DataTable)
        log.add_columns("Question", "Owner", "Answer", "By", "Why")
        self.refresh_all()

    # --- filling --------------------------------------------------------------------------

    def refresh_all(self) -> None:
        """Re-read the session into every tab."""
        session = self.controller.require()
        spec = session.spec()
        panel = self.query_one("#review-spec", SpecPanel)
        panel.pending = session.sizing_error
        panel.spec = spec
        self.query_one("#review-memory", MemoryChart).spec = spec
        self.query_one("#review-sku-bars", SkuBars).spec = spec
        self._fill_why()
        self._fill_skus()
        self._fill_log()
        self.query_one("#review-flags", FlagsPanel).show(session.active_flags())
        self._fill_signoff()

    def _fill_why(self) -> None:
        spec = self.controller.spec()
        if spec is None:
            self.query_one("#review-why", Static).update("[dim]No spec yet.[/]")
            return
        keys = [k for k in WHY_ORDER if k in spec.why] + [k for k in spec.why if k not in WHY_ORDER]
        lines = ["[b]Why these numbers[/]"]
        lines += [f"[b $accent]{safe(k.replace('_', ' '))}[/]: {safe(spec.why[k])}" for k in keys]
        if spec.assumptions:
            lines.append("\n[b]Still assumed[/] [dim](answer these to firm the spec up)[/]")
            lines += [f"[dim]·[/] {safe(a.field.replace('_', ' '))} = [b]{safe(a.value)}[/]"
                      for a in spec.assumptions]
        for warning in spec.warnings:
            lines.append(f"[$warning]▲[/] {safe(warning)}")
        self.query_one("#review-why", Static).update("\n".join(lines))

    def _fill_skus(self) -> None:
        table = self.query_one("#review-skus", DataTable)
        table.clear()
        spec = self.controller.spec()
        if spec is None:
            return
        for o in spec.comparison:
            name = ("▶ " if o.gpu == spec.gpu else "  ") + o.gpu_name
            if not o.fits:
                table.add_row(name, Text("✗ no", style="bold red"), "", "", "", "", "", "",
                              Text(o.reason or "", style="dim"))
                continue
            cost = money(o.cost_per_month) + (" est." if o.price_is_estimate and o.cost_per_month else "")
            table.add_row(name, "✓ yes", str(o.tensor_parallel), str(o.replicas),
                          Text(str(o.total_gpus), style="bold"), str(o.nodes),
                          f"{o.it_power_kw:,.1f}", cost, ms(o.tpot_ms))

    def _fill_log(self) -> None:
        session = self.controller.require()
        table = self.query_one("#review-log", DataTable)
        table.clear()
        colours = self.app.theme_variables
        for qid, answer in session.answers.items():
            question = session.questionnaire.find(qid)
            if question is None:
                continue
            owner = Text(f" {ROLE_SHORT[question.role]} ",
                         style=f"bold {colours.get('role-text', 'black')} on "
                               f"{colours.get(ROLE_VARIABLES[question.role], 'white')}")
            by = f"{answer.answered_by} ({ROLE_SHORT[answer.role]})"
            if answer.owner_mismatch:
                by += " ▲ not owner"
            table.add_row(question.prompt, owner, question.label_of(answer.value), by,
                          answer.rationale or "—", key=qid)

    def _fill_signoff(self) -> None:
        session = self.controller.require()
        lines = []
        for role in SIGNOFF_ROLES:
            done = session.signoff(role)
            if done:
                lines.append(f"{badge_markup(role)} [$success]✓ signed off[/] by {safe(done.name)} "
                             f"[dim]{done.at:%Y-%m-%d %H:%M} UTC[/]")
            else:
                lines.append(f"{badge_markup(role)} [$warning]▲ not signed off yet[/]")
        if session.cadence:
            c = session.cadence
            lines.append(f"Review cadence: [b]{safe(c.every)}[/], next review [b]{c.next_review}[/] "
                         f"(set by {safe(c.set_by)})")
        else:
            lines.append("Review cadence: [$warning]▲ not set[/]")
        open_flags = session.open_flags()
        if open_flags:
            lines.append(f"[$error]⚑ {len(open_flags)} open red flag(s)[/]: fix the answer or "
                         "acknowledge each with a reason (Flags tab).")
        done = "[b $success]✓ Kickoff complete[/]: spec signed off and cadence set." \
            if session.is_signed_off and session.cadence else \
            "[dim]Done = spec signed off by IT and the AI team, plus a review cadence.[/]"
        lines.append(done)
        self.query_one("#signoff-status", Static).update("\n".join(lines))

    # --- actions --------------------------------------------------------------------------

    @on(Button.Pressed, ".signoff-row Button")
    def _signoff_pressed(self, event: Button.Pressed) -> None:
        button = event.button.id or ""
        if button.startswith("signoff-"):
            self.sign_off(button.removeprefix("signoff-"))
        elif button == "cadence-set":
            self.set_cadence()
        elif button == "export-toml":
            self.action_export_toml()
        elif button == "export-md":
            self.action_export_markdown()

    def sign_off(self, role: str) -> None:
        """Sign the spec off for ``role`` with the person picked next to the button."""
        who = self.query_one(f"#signoff-{role}-who", Select).value
        if who is Select.NULL:
            self.notify(f"Nobody speaks for {role_label(role)}: add them on the participants "
                        "screen first.", severity="error")
            return
        try:
            self.controller.require().sign_off(role, str(who))
        except KickoffError as err:
            self.notify(str(err), title="Not signed off", severity="error")
            return
        self.notify(f"{role_label(role)} signed off the spec.", title="Signed off")
        self.refresh_all()

    def set_cadence(self) -> None:
        """Record the review cadence picked on the screen."""
        session = self.controller.require()
        every = str(self.query_one("#cadence-every", Select).value)
        by = self.query_one("#cadence-by", Select).value
        if by is Select.NULL:
            self.notify("Pick who sets the cadence.", severity="error")
            return
        person = session.participants[int(str(by))]
        try:
            session.set_cadence(every, person.name, by_role=person.role)
        except KickoffError as err:
            self.notify(str(err), title="Cadence not set", severity="error")
            return
        self.refresh_all()

    def _export_dir(self) -> Path:
        return Path(self.query_one("#export-dir", Input).value.strip() or ".").expanduser()

    def _export(self, kinds: tuple[str, ...]) -> list[Path]:
        session = self.controller.require()
        folder = self._export_dir()
        written: list[Path] = []
        try:
            if "toml" in kinds:
                written.append(self.controller.export_toml(folder / f"{session.id}.toml"))
            if "md" in kinds:
                written.append(self.controller.export_markdown(folder / f"{session.id}.md"))
        except KickoffError as err:
            self.query_one("#export-status", Static).update(f"[$error]✗ {safe(err)}[/]")
            self.notify(str(err), title="Export failed", severity="error")
            return written
        shown = "\n".join(f"[$success]✓[/] wrote {safe(p.resolve())}" for p in written)
        self.query_one("#export-status", Static).update(shown)
        self.notify("\n".join(str(p.resolve()) for p in written), title="Exported")
        return written

    def action_export_toml(self) -> None:
        self._export(("toml",))

    def action_export_markdown(self) -> None:
        self._export(("md",))

    def action_export_both(self) -> None:
        self._export(("toml", "md"))

    @on(FlagAction)
    def _flag(self, message: FlagAction) -> None:
        session = self.controller.require()
        flag = session.flag(message.flag_id)

        def decided(decision: FlagDecision | None) -> None:
            if decision is None:
                return
            if decision.action == "goto":
                self.dismiss(decision.question_id)
                return
            try:
                self.controller.acknowledge(flag.id, decision.reason, decision.by)
            except KickoffError as err:
                self.notify(str(err), severity="error")
                return
            self.refresh_all()

        self.app.push_screen(FlagDialog(flag, list(session.participants), session.questionnaire),
                             decided)

    @on(DataTable.RowSelected, "#review-log")
    def _log_row(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.dismiss(str(event.row_key.value))

    def action_back(self) -> None:
        self.dismiss(None)
