"""The live spec panel's portfolio part: each workload's replicas, then the shared fleet.

Display only: it shows the :class:`~kickoff_tui.sizing.portfolio.PortfolioSpec` it is given
(sized by the record layer in a worker)."""

from __future__ import annotations

from typing import Any

from textual.reactive import reactive
from textual.widgets import Static

from kickoff_tui.app.format import money, safe
from kickoff_tui.sizing.spec import short_layout


def _month(value: int | None, horizon: int) -> str:
    return f"after {horizon}" if value is None else str(value)


def _interval(low: int | None, high: int | None, horizon: int) -> str:
    if low == high:
        return ""
    return f" ({_month(low, horizon)} to {_month(high, horizon)})"


def growth_lines(row: Any, horizon: int) -> list[str]:
    """One workload's fitted growth (a WorkloadGrowth), in two short lines for the narrow
    panel: its monthly rate with the 80% interval, and the month it outgrows its replicas.
    Nothing without a history."""
    fit = row.fit
    if fit is None:
        if not row.problem or row.problem.startswith("no history"):
            return []
        return [f"  [$warning]growth: {safe(row.problem[:120])}[/]"]
    rate = (f"  [dim]↗[/] {fit.monthly_rate:+.1%}/mo [dim](80%: {fit.rate_low * 100:+.1f}…"
            f"{fit.rate_high * 100:+.1f})[/]")
    if row.outgrows_month is None and row.outgrows_earliest is None:
        return [rate, f"    lasts {horizon} months"]
    return [rate, f"    outgrown in month {_month(row.outgrows_month, horizon)}"
            + _interval(row.outgrows_earliest, row.outgrows_latest, horizon)]


def portfolio_lines(spec: Any, current: str | None = None, growth: Any = None) -> list[str]:
    """The panel's lines for a PortfolioSpec (markup-safe), with the growth fitted from the
    pasted request histories (a PortfolioGrowth, computed by the planning layer) when given."""
    if spec is None:
        return []
    rows = {r.name: r for r in growth.workloads} if growth is not None else {}
    lines = []
    for w in spec.workloads:
        mark = "▶" if w.name == current else "·"
        if not w.feasible:
            lines.append(f"{mark} [b]{safe(w.name)}[/]: [$error]cannot be served[/]")
            continue
        share = f" [dim](shares with {safe(', '.join(w.shares_with))})[/]" if w.shares_with else ""
        lines.append(f"{mark} [b]{safe(w.name)}[/]: {w.replicas} x {short_layout(w.layout)} "
                     f"{safe(w.model)} on {safe(w.gpu)}, {w.total_gpus} GPUs{share}")
        if w.name in rows:
            lines += growth_lines(rows[w.name], growth.horizon_months)
    if not spec.feasible or spec.fleet is None:
        lines.append(f"[$error]No shared fleet:[/] {safe(spec.infeasible_reason[:160])}")
        return lines
    fleet = spec.fleet
    lines.append(f"[b]Fleet {safe(fleet.label)}[/]: {fleet.total_gpus} GPUs, {fleet.nodes} nodes, "
                 f"{fleet.racks} racks, {fleet.it_power_kw:,.1f} kW")
    if fleet.cost_per_month is not None:
        lines.append(f"  {money(fleet.cost_per_month)}/month; saves "
                     f"{spec.saving_shared_replicas_gpus + spec.saving_peaks_gpus} GPUs vs separate"
                     + (" [dim](same cost: whole nodes)[/]" if spec.same_cost_note() else ""))
    if growth is not None:
        horizon = growth.horizon_months
        if growth.fleet_outgrows_month is None and growth.fleet_outgrows_earliest is None:
            lines.append(f"  ↗ lasts the {horizon}-month horizon")
        else:
            lines.append(f"  ↗ runs out in month [b]{_month(growth.fleet_outgrows_month, horizon)}[/]"
                         + _interval(growth.fleet_outgrows_earliest, growth.fleet_outgrows_latest, horizon))
    return lines


class PortfolioPanel(Static):
    """Hidden for a session of one workload."""

    lines: reactive[tuple[str, ...]] = reactive((), init=False)
    pending: reactive[str] = reactive("", init=False)

    def on_mount(self) -> None:
        self.display = False  # takes no line until there is a portfolio to show

    def watch_lines(self) -> None:
        self._show()

    def watch_pending(self) -> None:
        self._show()

    def show_fleet(self, spec, error: str, current: str | None, growth, heading: tuple[str, ...]) -> None:  # noqa: ANN001
        """The shared fleet as sized (``spec``, its ``growth``), under ``heading``; or why it is
        not sized (``error``)."""
        lines = portfolio_lines(spec, current, growth)
        self.lines = (*heading, *lines) if lines else ()
        self.pending = f"Shared fleet not sized: {error}" if error else ""

    def _show(self) -> None:
        body = list(self.lines) or ([f"[dim]{safe(self.pending)}[/]"] if self.pending else [])
        self.update("\n".join(body))
        self.display = bool(body)
