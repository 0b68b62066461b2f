"""The live spec panel's portfolio part: each workload's replicas, then the shared fleet.

Display only: it shows the :class:`~kickoff_tui.sizing.portfolio.PortfolioSpec` it is given
(sized by the record layer in a worker)."""

from __future__ import annotations

from typing import Any

from textual.reactive import reactive
from textual.widgets import Static

from kickoff_tui.app.format import money, safe


def portfolio_lines(spec: Any, current: str | None = None) -> list[str]:
    """The panel's lines for a PortfolioSpec (markup-safe)."""
    if spec is None:
        return []
    lines = []
    for w in spec.workloads:
        mark = "▶" if w.name == current else "·"
        if not w.feasible:
            lines.append(f"{mark} [b]{safe(w.name)}[/]: [$error]cannot be served[/]")
            continue
        share = f" [dim](shares with {safe(', '.join(w.shares_with))})[/]" if w.shares_with else ""
        lines.append(f"{mark} [b]{safe(w.name)}[/]: {w.replicas} x TP{w.tensor_parallel} "
                     f"{safe(w.model)} on {safe(w.gpu)}, {w.total_gpus} GPUs{share}")
    if not spec.feasible or spec.fleet is None:
        lines.append(f"[$error]No shared fleet:[/] {safe(spec.infeasible_reason[:160])}")
        return lines
    fleet = spec.fleet
    lines.append(f"[b]Fleet {safe(fleet.label)}[/]: {fleet.total_gpus} GPUs, {fleet.nodes} nodes, "
                 f"{fleet.racks} racks, {fleet.it_power_kw:,.1f} kW")
    if fleet.cost_per_month is not None:
        lines.append(f"  {money(fleet.cost_per_month)}/month; saves "
                     f"{spec.saving_shared_replicas_gpus + spec.saving_peaks_gpus} GPUs vs separate")
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

    def _show(self) -> None:
        body = list(self.lines) or ([f"[dim]{safe(self.pending)}[/]"] if self.pending else [])
        self.update("\n".join(body))
        self.display = bool(body)
