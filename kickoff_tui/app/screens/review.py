"""Review: the sized spec, SKU comparison, the plan (cost, growth, sensitivity, deployment
files), decision log, open flags, sign-off, cadence, export."""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import (
    Button,
    DataTable,
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
from kickoff_tui.app.dialogs.folder import FolderDialog
from kickoff_tui.app.format import ASSUMED_TAG, cell, clip, money, ms, safe
from kickoff_tui.app.messages import FlagAction
from kickoff_tui.app.plan import PlanReports, plan_cost, plan_projections
from kickoff_tui.app.roles import ROLE_BADGES, ROLE_SHORT, ROLE_VARIABLES, badge_markup, role_label
from kickoff_tui.app.widgets.charts import GrowthBars, MemoryChart, SensitivityBars, SkuBars
from kickoff_tui.app.widgets.field import Field
from kickoff_tui.app.widgets.flags_panel import FlagsPanel
from kickoff_tui.app.widgets.footer import KeyFooter
from kickoff_tui.app.widgets.portfolio_panel import PortfolioPanel
from kickoff_tui.app.widgets.spec_panel import SpecPanel, cooling_words, fabric_words, short_gpu_name
from kickoff_tui.errors import KickoffError
from kickoff_tui.planning import Figure, PlanningOverrides
from kickoff_tui.planning.cost import monthly_cost
from kickoff_tui.record import CADENCE_MONTHS, SIGNOFF_ROLES, Session
from kickoff_tui.record.io import export_file_name
from kickoff_tui.record.summary import why_label
from kickoff_tui.record.text import engine_words
from kickoff_tui.sizing import SizedSpec, SizingInputs
from kickoff_tui.sizing.spec import short_layout

WHY_ORDER: tuple[str, ...] = (
    "gpus_per_replica", "concurrency_per_replica", "replicas", "total_gpus", "nodes", "racks",
    "it_power_kw", "cooling", "tpot_ms", "ttft_ms", "cost_per_hour",
)
"""Order of the spec's explanations on the review screen (others follow)."""

SKU_REASON_CHARS = 60
"""Longest reason a SKU row that does not fit shows in the SKUs table's "Why not" column, cut
with "…" (the bars above the table give the whole reason)."""

OPTION_COLUMNS: tuple[str, ...] = ("Option", "Price", "Per month", "Total", "Break-even")
"""Columns of the Plan tab's rent / reserved / buy table (hardware and power; the staff, the
same for every option, is stated above it)."""


LOG_COLUMNS: tuple[tuple[str, int], ...] = (
    ("Question", 32), ("Owner", 5), ("Answer", 18), ("By", 17), ("Why", 30),
)
"""Decision log columns and their widths at 120 columns (102 columns of text plus a cell's
padding on each side and the scroll bar); :func:`log_widths` scales them to the terminal. Long
prompts, answers and reasons wrap inside their column (a row grows taller)."""

LOG_SHARES = {"Question": 0.27, "Answer": 0.19, "By": 0.16, "Why": 0.38}
"""Share of the flexible width each text column takes (Why, the reasons, the most)."""
LOG_MIN = {"Question": 14, "Answer": 10, "By": 10, "Why": 16}
"""Narrowest each text column gets (at 80 columns all five stay on screen)."""
LOG_CHROME = 2 * 5 + 3
"""Columns the table spends besides text: a cell's padding on each side and the scroll bar."""


def log_widths(total: int) -> list[tuple[str, int]]:
    """The decision log's columns for a table ``total`` cells wide: Owner fixed, the others
    sharing what is left (never below their minimum; wider than 120 columns gives Why and the
    others room instead of a table that stops at column 112)."""
    owner = dict(LOG_COLUMNS)["Owner"]
    room = max(total - LOG_CHROME - owner, sum(LOG_MIN.values()))
    widths = {name: max(LOG_MIN[name], int(room * share)) for name, share in LOG_SHARES.items()}
    widths["Why"] += max(room - sum(widths.values()), 0)  # rounding left-overs to the reasons
    return [(label, owner if label == "Owner" else widths[label]) for label, _ in LOG_COLUMNS]


def cadence_setter(session: Session) -> object:
    """The "Set by" to preselect for the review cadence (as an index string): who set it
    before, else the first person of the role that owns the cadence question (IT), else the
    first person; Select.NULL when nobody was added. (Preselecting the first person, often the
    application owner, raised an "answered by the wrong role" flag on a plain click.)"""
    people = list(session.participants)
    if not people:
        return Select.NULL
    if session.cadence is not None:
        for i, p in enumerate(people):
            if p.name == session.cadence.set_by:
                return str(i)
    question = session.questionnaire.find("review_cadence")
    owner = question.role if question is not None else None
    return str(next((i for i, p in enumerate(people) if p.role == owner), 0))


class ReviewScreen(Screen[str | None]):
    """Dismisses with a question id to open in the wizard (or None)."""

    BINDINGS = [
        Binding("escape", "back", "Back to questions", id="review.back",
                tooltip="Return to the questions (nothing is lost)."),
        # priority: these work while the export folder field has focus (Input binds ctrl+d)
        Binding("ctrl+s", "export_both", "Export", id="review.export", priority=True,
                tooltip="Write the session as TOML and Markdown to the export folder."),
        Binding("ctrl+e", "export_toml", "Export TOML", id="review.export_toml", show=False,
                tooltip="Write the session record (TOML) to the export folder."),
        Binding("ctrl+y", "export_markdown", "Export Markdown", id="review.export_md",
                show=False, tooltip="Write the decision record (Markdown) to the export folder."),
        Binding("ctrl+d", "export_deploy", "Deploy files", id="review.export_deploy", priority=True,
                tooltip="Write the serving launch files, Kubernetes manifests, autoscaler and "
                        "alert rules for this spec into a folder."),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.plan: PlanReports = PlanReports()
        """What the Plan tab shows (cost at once, growth and sensitivity from a worker)."""
        self._plan_key: tuple[SizedSpec | None, SizingInputs, PlanningOverrides] | None = None
        """(spec, inputs, planning answers) the plan was computed for: unchanged = no rerun."""

    @property
    def controller(self) -> Controller:
        return self.app.controller  # type: ignore[attr-defined,no-any-return]

    def compose(self) -> ComposeResult:
        session = self.controller.require()
        yield Header()
        with TabbedContent(id="review-tabs", initial="tab-spec"):
            with TabPane("Spec", id="tab-spec"):
                with Horizontal(id="review-spec-row"):
                    with VerticalScroll(id="review-spec-col"):
                        yield SpecPanel(id="review-spec")
                        yield MemoryChart(id="review-memory")
                        yield PortfolioPanel(id="review-portfolio")
                    with VerticalScroll(id="review-why-col"):
                        yield Static("", id="review-why")
            with TabPane("SKUs", id="tab-skus"):
                with VerticalScroll():
                    yield Static("[b]Same workload on every SKU[/] [dim](▶ = chosen)[/]",
                                 classes="section-title")
                    yield SkuBars(id="review-sku-bars")
                    yield DataTable(id="review-skus", zebra_stripes=True, cursor_type="row")
            with TabPane("Plan", id="tab-plan"):
                with Horizontal(id="plan-row"):
                    with VerticalScroll(id="plan-main-col"):
                        with Horizontal(id="plan-actions"):
                            yield Button("Export deployment files", id="plan-deploy",
                                         variant="primary", compact=True)
                            yield Static("[dim]vLLM, SGLang, TRT-LLM, Kubernetes, alerts[/]",
                                         id="plan-deploy-status")
                        yield Static("", id="plan-cost")
                        yield DataTable(id="plan-options", zebra_stripes=True, cursor_type="none")
                        yield Static("", id="plan-cost-notes")
                        yield Static("[b]Which answer moves the GPU count most[/]\n[dim]GPUs "
                                     "if -50% (left), +50% or switched (right); * assumed[/]",
                                     classes="section-title")
                        yield SensitivityBars(id="plan-sensitivity")
                    with VerticalScroll(id="plan-growth-col"):
                        yield Static("", id="plan-growth-head")
                        yield GrowthBars(id="plan-growth")
                        yield Static("", id="plan-scenarios")
            with TabPane("Decision log", id="tab-log"):
                yield DataTable(id="review-log", zebra_stripes=True, cursor_type="row")
            with TabPane("Flags", id="tab-flags"):
                yield FlagsPanel(id="review-flags")
            with TabPane("Sign-off & export", id="tab-signoff"):
                with VerticalScroll(id="signoff-scroll"):
                    yield Static("", id="signoff-status")
                    for role in SIGNOFF_ROLES:
                        people = [(cell(p.name), p.name) for p in session.participants if p.role == role]
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
                        yield Select([(cell(f"{p.name} · {ROLE_SHORT[p.role]}"), str(i))
                                      for i, p in enumerate(session.participants)],
                                     prompt="Set by", allow_blank=not session.participants,
                                     value=cadence_setter(session),
                                     id="cadence-by")
                        yield Button("Set cadence", id="cadence-set", variant="primary")
                    yield Label("Export folder ('.' = the folder Kickoff was started in)")
                    with Horizontal(classes="signoff-row"):
                        yield Field(".", id="export-dir")
                        yield Button("Export TOML", id="export-toml", variant="primary")
                        yield Button("Export Markdown", id="export-md")
                    yield Static("", id="export-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        session = self.controller.require()
        self.title = f"Review · {session.title}"
        self.sub_title = "spec, plan, sign-off, export"
        workload = self._workload_words()
        if workload:
            # a portfolio session: every tab shows the workload being answered; say which
            self.sub_title = f"{workload} · {self.sub_title}"
            self.query_one("#review-spec-col").border_title = workload
        skus = self.query_one("#review-skus", DataTable)
        skus.add_columns("SKU", "Fits", "Engine", "Layout", "Replicas", "GPUs", "Nodes", "kW", "$/month",
                         "TPOT", "Why not")
        self._log_width = 0
        self._lay_out_log()
        self.query_one("#plan-options", DataTable).add_columns(*OPTION_COLUMNS)
        self.refresh_all()
        # the log's owner badges are coloured from the theme when filled: refill on a switch
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._fill_log())

    def on_resize(self) -> None:
        if self._lay_out_log():
            self._fill_log()

    def _lay_out_log(self) -> bool:
        """(Re)make the decision log's columns for the screen's width; True when they changed."""
        width = self.size.width or 120
        if width == self._log_width:
            return False
        self._log_width = width
        log = self.query_one("#review-log", DataTable)
        log.clear(columns=True)
        for label, cells in log_widths(width):
            log.add_column(label, width=cells)
        return True

    def _workload_words(self) -> str:
        """ "workload chat (1 of 3)" in a session of several workloads (the one being answered,
        whose spec, plan and answers the tabs show), else ""."""
        session = self.controller.require()
        names = session.workload_names()
        if len(names) < 2:
            return ""
        current = self.controller.current_workload()
        return f"workload {current} ({names.index(current) + 1} of {len(names)})"

    # --- filling --------------------------------------------------------------------------

    def refresh_all(self) -> None:
        """Re-read the session into every tab (a portfolio session: the workload being answered,
        as the wizard's panel and the decision log show it, and the shared fleet)."""
        session = self.controller.require()
        spec = self.controller.spec()
        panel = self.query_one("#review-spec", SpecPanel)
        panel.pending = session.workload_sizing_error(self.controller.current_workload())
        panel.cost = self.controller.monthly_cost(spec)
        answer = session.answer("fabric")  # IT's fabric, as the wizard's panel shows it
        panel.scale_out_answer = fabric_words(session.questionnaire, answer.value if answer else None)
        panel.spec = spec
        self.query_one("#review-memory", MemoryChart).spec = spec
        self.query_one("#review-sku-bars", SkuBars).spec = spec
        self._fill_why()
        self._fill_skus()
        self._fill_log()
        self.query_one("#review-flags", FlagsPanel).show(session.active_flags())
        self._fill_signoff()
        self.refresh_plan()
        self._refresh_portfolio()

    def _refresh_portfolio(self) -> None:
        panel = self.query_one("#review-portfolio", PortfolioPanel)
        if len(self.controller.require().workloads) < 2:
            panel.lines, panel.pending = (), ""
            return
        panel.pending = "Shared fleet: sizing…"
        self._size_portfolio(self.controller.current_workload())

    @work(thread=True, exclusive=True, group="review-portfolio", exit_on_error=False)
    def _size_portfolio(self, current: str | None) -> None:
        """The shared fleet (and its growth) as the wizard's panel shows it: slow, so here."""
        try:
            spec = self.controller.portfolio_spec()
            error = "" if spec is not None else self.controller.require().portfolio_error()
            growth = self.controller.portfolio_growth() if spec is not None and spec.feasible else None
        except KickoffError as err:
            spec, error, growth = None, str(err), None
        with suppress(RuntimeError):  # the app is closing
            self.app.call_from_thread(self._portfolio_sized, spec, error, current, growth)

    def _portfolio_sized(self, spec, error: str, current: str | None, growth=None) -> None:  # noqa: ANN001
        if not self.is_attached:
            return
        self.query_one("#review-portfolio", PortfolioPanel).show_fleet(
            spec, error, current, growth, ("", "[b]Portfolio: every workload on the shared fleet[/]"))

    # --- plan tab -------------------------------------------------------------------------

    def refresh_plan(self) -> None:
        """Cost now; growth and sensitivity in a worker (they re-size the workload dozens of
        times). Nothing reruns while the spec, the inputs and the planning answers stay the same."""
        session = self.controller.require()
        workload = self.controller.current_workload()
        spec = self.controller.spec()
        inputs = session.sizing_inputs(workload)
        try:
            overrides = self.controller.planning()
        except KickoffError as err:
            self._plan_key = None
            self.show_plan(PlanReports(error=str(err)))
            return
        key = self._plan_key
        if key is not None and key[0] is spec and (key[1], key[2]) == (inputs, overrides):
            return
        self._plan_key = (spec, inputs, overrides)
        base = plan_cost(spec, inputs, overrides, session.workload_sizing_error(workload))
        self.show_plan(base)
        if base.pending and spec is not None:
            self._project(base, self._plan_key)

    @work(thread=True, exclusive=True, group="plan", exit_on_error=False)
    def _project(
        self, base: PlanReports, key: tuple[SizedSpec | None, SizingInputs, PlanningOverrides]
    ) -> None:
        spec, inputs, overrides = key
        assert spec is not None
        try:
            result = plan_projections(base, spec, inputs, overrides)
        except Exception as err:  # noqa: BLE001 - a sizer bug must not take the meeting down
            result = base.model_copy(update={"pending": False, "growth_error": str(err),
                                             "sensitivity_error": str(err)})
        self.app.call_from_thread(self._projected, result, key)

    def _projected(self, result: PlanReports, key: object) -> None:
        if key is self._plan_key and self.is_attached:  # else a newer plan is on its way
            self.show_plan(result)

    def show_plan(self, plan: PlanReports) -> None:
        """Hold ``plan`` and feed it to the Plan tab's widgets."""
        self.plan = plan
        self._fill_cost()
        growth = self.query_one("#plan-growth", GrowthBars)
        growth.pending, growth.report = plan.pending, plan.growth
        growth.error = plan.error or plan.growth_error
        sens = self.query_one("#plan-sensitivity", SensitivityBars)
        sens.pending, sens.report = plan.pending, plan.sensitivity
        sens.error = plan.error or plan.sensitivity_error
        self._fill_growth_text()

    @staticmethod
    def _fig(figure: Figure | None) -> str:
        if figure is None or figure.value is None:
            return "—"
        return f"[b]{safe(figure.text())}[/]" + (f" {ASSUMED_TAG}" if figure.assumed else "")

    def _fill_cost(self) -> None:
        table = self.query_one("#plan-options", DataTable)
        table.clear()
        head = self.query_one("#plan-cost", Static)
        notes = self.query_one("#plan-cost-notes", Static)
        cost = self.plan.cost
        if cost is None:
            head.update(f"[$warning]▲[/] {safe(self.plan.error)}" if self.plan.error
                        else "[dim]No cost yet.[/]")
            notes.update("")
            return
        chosen = cost.chosen
        month = monthly_cost(cost, self._plan_key[2].cost if self._plan_key else None)
        price = (f" at {safe(chosen.quote.price_text())} [dim]({safe(chosen.quote.cite())})[/]"
                 if chosen.quote else "")
        workload = self._workload_words()
        alone = (f"[b]{safe(workload)}[/], sized alone [dim](the shared fleet: Spec tab)[/]\n"
                 if workload else "")
        lines = [
            f"{alone}[b]Cost[/] of {cost.total_gpus} × {safe(short_gpu_name(cost.gpu_name))}, "
            f"[b]{safe(cost.chosen_option)}[/]{price}",
            f"per month [b]{money(month.value)}[/] [dim]({safe(month.basis)})[/] · hardware "
            f"{self._fig(chosen.per_month)}, {self._fig(chosen.per_hour)}",
            f"per million tokens (input + output) {self._fig(cost.per_million_tokens)}, per million "
            f"output tokens {self._fig(cost.per_million_output_tokens)}, at "
            f"{safe(cost.utilisation.text())} average use, staff included",
            f"operations staff {safe(cost.staff_engineers.text())}, "
            f"{self._fig(cost.staff_per_month)} on top of every option",
        ]
        lines += [f"  {safe(f.label)}: {self._fig(f)}" for f in cost.managed_api]
        lines.append(f"\n[b]{cost.horizon_years} years: rent, reserve or buy[/] "
                     "[dim](▶ = chosen basis)[/]")
        head.update("\n".join(lines))
        for opt in cost.options:
            mark = "▶ " if opt.option == cost.chosen_option else "  "
            name = mark + opt.option + (" (lowest)" if opt.option == cost.cheapest_option else "")
            if not opt.available:
                table.add_row(cell(name), cell(opt.reason, style="dim"), "", "", "")
                continue
            total = money(opt.horizon_total.value) if opt.horizon_total else "—"
            table.add_row(
                cell(name, style="bold" if opt.option == cost.cheapest_option else ""),
                cell(opt.quote.price_text().replace("/GPU-h", "/h") if opt.quote else "—"),
                money(opt.per_month.value) if opt.per_month else "—",
                Text(total, style="bold"),
                opt.break_even_utilisation.text() if opt.break_even_utilisation else "—",
            )
        extra = ["[dim]Break-even = the average use below which on-demand costs less.[/]"]
        if self.plan.business is not None:
            b = self.plan.business
            sign = "[$error]■ RED[/]" if b.verdict == "red" else f"[b]{safe(b.verdict)}[/]"
            payback = self._fig(b.payback_months) if b.payback_months.value is not None \
                else "[b]never[/]"
            extra.append(f"Business case: ROI {self._fig(b.roi)}, payback {payback}, "
                         f"{sign}: {safe(b.message)}")
        extra += [f"[$warning]▲[/] {safe(w)}" for w in cost.warnings]
        if cost.assumptions:
            extra.append(f"[dim]{len(cost.assumptions)} figure(s) rest on Kickoff defaults "
                         "(traced in the Markdown export).[/]")
        notes.update("\n".join(extra))

    def _fill_growth_text(self) -> None:
        head = self.query_one("#plan-growth-head", Static)
        scenarios = self.query_one("#plan-scenarios", Static)
        growth = self.plan.growth
        if growth is None:
            head.update("[b]Growth[/]")
            scenarios.update("")
            return
        lines = ["[b]Growth[/]"]
        if growth.monthly_rate is not None:
            lines[0] += f" at {self._fig(growth.monthly_rate)} traffic a month"
        month = growth.out_of_headroom_month
        if month is not None and month.value is not None:
            assumed = f" {ASSUMED_TAG}" if month.assumed else ""
            lines.append(f"[$warning]▲[/] Runs out of headroom in [b]month {month.value:.0f}[/]"
                         f"{assumed}")
        elif month is not None:
            lines.append(f"[$success]✓[/] Enough for all {growth.months} months")
        marker = "; │ marks them on the chart" if growth.points else ""
        lines.append(f"[dim]{growth.sized_gpus} GPUs sized carry "
                     f"{safe(growth.capacity_multiplier.text())} today's peak{marker}[/]")
        head.update("\n".join(lines))
        rows = ["", "[b]Spec per scenario[/]"]
        for sc in growth.scenarios:
            if not sc.feasible:
                rows.append(f"{safe(sc.label)}: [$error]✗[/] {safe(sc.reason)}")
                continue
            more = "[$success]fits[/]" if sc.fits_sized_fleet else f"+{sc.extra_gpus}"
            needed = f", {sc.total_gpus} needed" if sc.gpus_bought and sc.gpus_bought != sc.total_gpus else ""
            rows.append(f"{safe(sc.label)}: [b]{sc.gpus_bought or sc.total_gpus}[/] GPUs bought{needed} ({more}), "
                        f"{money(sc.cost_per_month)}/mo")
        rows += [f"[dim]{safe(n)}[/]" for n in growth.notes]
        scenarios.update("\n".join(rows))

    def _fill_why(self) -> None:
        spec = self.controller.spec()
        if spec is None:
            self.query_one("#review-why", Static).update("[dim]No spec yet.[/]")
            return
        keys = [k for k in WHY_ORDER if k in spec.why] + [k for k in spec.why if k not in WHY_ORDER]
        lines = ["[b]Why these numbers[/]"]
        lines += [f"[b $accent]{safe(why_label(k))}[/]: {safe(spec.why[k])}" for k in keys]
        if spec.assumptions:
            lines.append("\n[b]Still assumed[/] [dim](answer these to firm the spec up)[/]")
            lines += [f"[dim]·[/] {safe(a.field.replace('_', ' '))} = "
                      f"[b]{safe(cooling_words(a.value) if a.field == 'cooling' else a.value)}[/]"
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
            name = cell(("▶ " if o.gpu == spec.gpu else "  ") + o.gpu_name)
            engine = cell(engine_words(o.engine)) if o.engine else ""
            if not o.fits:
                # its own column, cut with "…" (the whole reason is in the bars above): under
                # TPOT it widened that column past the screen and was cut mid-word
                table.add_row(name, Text("✗ no", style="bold red"), engine, "", "", "", "", "", "", "",
                              cell(clip(o.reason or "", SKU_REASON_CHARS), style="dim"))
                continue
            cost = money(o.cost_per_month) + (" est." if o.price_is_estimate and o.cost_per_month else "")
            table.add_row(name, "✓ yes", engine, short_layout(o.layout), str(o.replicas),
                          Text(str(o.total_gpus), style="bold"), str(o.nodes),
                          f"{o.it_power_kw:,.1f}", cost, ms(o.tpot_ms), "")

    def _fill_log(self) -> None:
        session = self.controller.require()
        table = self.query_one("#review-log", DataTable)
        table.clear()
        colours = self.app.theme_variables
        # a portfolio session: the shared answers and those of the workload being answered
        for qid, answer in session.answers_for(self.controller.current_workload()).items():
            question = session.questionnaire.find(qid)
            if question is None:
                continue
            owner = Text(f" {ROLE_SHORT[question.role]} ",
                         style=f"bold {colours.get('role-text', 'black')} on "
                               f"{colours.get(ROLE_VARIABLES[question.role], 'white')}")
            by = f"{answer.answered_by} ({ROLE_SHORT[answer.role]})"
            if answer.owner_mismatch:
                by += " ▲ not owner"
            table.add_row(cell(question.prompt), owner, cell(question.label_of(answer.value)),
                          cell(by), cell(answer.rationale or "—"), key=qid, height=None)

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
            save_error = self.controller.saving(self.controller.require().sign_off, role, str(who))
        except KickoffError as err:
            self.notify(str(err), title="Not signed off", severity="error")
            return
        if save_error:
            self.app.warn_not_saved(save_error)  # type: ignore[attr-defined]
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
            save_error = self.controller.saving(session.set_cadence, every, person.name,
                                                by_role=person.role)
        except KickoffError as err:
            self.notify(str(err), title="Cadence not set", severity="error")
            return
        if save_error:
            self.app.warn_not_saved(save_error)  # type: ignore[attr-defined]
        self.refresh_all()

    def _export_dir(self) -> Path:
        return Path(self.query_one("#export-dir", Input).value.strip() or ".").expanduser()

    def _export(self, kinds: tuple[str, ...]) -> None:
        """Write the chosen files in a worker: the Markdown's planning sections re-size the
        workload, which must not freeze the projector."""
        self.query_one("#export-status", Static).update("[dim]writing…[/]")
        self._write_exports(kinds, self._export_dir())

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def _write_exports(self, kinds: tuple[str, ...], folder: Path) -> None:
        written: list[Path] = []
        target = self.controller.rescue_path(folder)  # a safe name, whatever the session id
        try:
            if "toml" in kinds:
                written.append(self.controller.export_toml(target))
            if "md" in kinds:
                written.append(self.controller.export_markdown(target.with_suffix(".md")))
        except KickoffError as err:
            self.app.call_from_thread(self._export_done, written, str(err))
            return
        self.app.call_from_thread(self._export_done, written, "")

    def _export_done(self, written: list[Path], error: str) -> None:
        shown = [f"[$success]✓[/] wrote {safe(p.resolve())}" for p in written]
        if error:
            shown.append(f"[$error]✗ {safe(error)}[/]")
            self.notify(error, title="Export failed", severity="error")
        else:
            self.notify("\n".join(str(p.resolve()) for p in written), title="Exported")
        if self.is_attached:
            self.query_one("#export-status", Static).update("\n".join(shown))

    def action_export_deploy(self) -> None:
        """Ask for a folder, then write the deployment files for the spec into it."""
        session = self.controller.require()
        default = self._export_dir() / export_file_name(session.id, "-deploy")
        explain = ("Launch commands for vLLM, SGLang and TensorRT-LLM, a Kubernetes Deployment "
                   "per model with GPU requests and node selector, an autoscaler sketch and "
                   "Prometheus alert rules from the agreed SLOs, plus a README saying where "
                   "each value comes from.")

        def chosen(folder: Path | None) -> None:
            if folder is not None:
                self.export_deployment(folder)

        self.app.push_screen(FolderDialog("Export deployment files", explain, default), chosen)

    def export_deployment(self, folder: Path, force: bool = False) -> list[Path]:
        """Write the deployment files into ``folder``; report on the Plan tab and in a toast.
        Files already there are replaced only after the user says so."""
        from kickoff_tui.app.dialogs.confirm import ConfirmDialog
        from kickoff_tui.planning.deploy import FilesExist

        status = self.query_one("#plan-deploy-status", Static)
        try:
            written = self.controller.export_deployment(folder, force=force)
        except FilesExist as err:
            names = ", ".join(_relative(p, folder) for p in err.paths[:6]) + (" …" if len(err.paths) > 6 else "")

            def answered(replace: bool | None) -> None:
                if replace:
                    self.export_deployment(folder, force=True)
                else:
                    status.update("Nothing written: the folder already holds deployment files.")

            self.app.push_screen(ConfirmDialog(
                f"Replace {len(err.paths)} files in {folder}?",
                f"The folder already holds {names}. Replacing them cannot be undone.",
                "Replace them"), answered)
            return []
        except KickoffError as err:
            status.update(f"[$error]✗ {safe(err)}[/]")
            self.notify(str(err), title="No deployment files", severity="error")
            return []
        where = folder.resolve()
        status.update(f"[$success]✓[/] wrote {len(written)} files to {safe(where)}")
        self.notify(f"{len(written)} files in {where}", title="Deployment files written")
        return written

    @on(Button.Pressed, "#plan-deploy")
    def _deploy_pressed(self) -> None:
        self.action_export_deploy()

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
                save_error = self.controller.acknowledge(flag.id, decision.reason, decision.by)
            except KickoffError as err:
                self.notify(str(err), severity="error")
                return
            if save_error:
                self.app.warn_not_saved(save_error)  # type: ignore[attr-defined]
            self.refresh_all()

        self.app.push_screen(FlagDialog(flag, list(session.participants), session.questionnaire),
                             decided)

    @on(DataTable.RowSelected, "#review-log")
    def _log_row(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.dismiss(str(event.row_key.value))

    def action_back(self) -> None:
        self.dismiss(None)


def _relative(path: Path, folder: Path) -> str:
    """A file's name as seen from the chosen folder (``chat/kubernetes.yaml`` for a portfolio)."""
    try:
        return str(path.relative_to(folder))
    except ValueError:
        return path.name
