"""Planning figures of a portfolio's shared fleet: the sensitivity of the whole fleet to each
workload's answers (the report's Sensitivity section for a session of several workloads).

Each workload's inputs are moved as the single-workload sensitivity moves them (-50% / +50%,
switches flipped), the other workloads held, and the fleet's pools re-sized on the SKUs the
fleet gives them (the same sharing rules, no new choice of SKU): the rows count the GPUs the
whole fleet buys, so an input of a workload whose peak another workload's peak hides, or whose
replicas it shares, moves the fleet less than it moves that workload alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kickoff_tui.planning.sensitivity import SensitivityReport
    from kickoff_tui.sizing import SizedSpec, SizingInputs
    from kickoff_tui.sizing.portfolio import Demand, PortfolioSpec, Sizings


PLATFORM_CHECKS: tuple[str, ...] = ("gpu_count_budget", "monthly_budget_usd")
"""IT's answers the fleet is checked against (a GPU or money budget), never sized from."""


def _it_fields() -> tuple[str, ...]:
    """IT's answers: the platform's, the same for every workload (the portfolio file's rule)."""
    from kickoff_tui.record.portfolio import IT_FIELDS

    return IT_FIELDS


def fleet_as_spec(fleet: Any, like: SizedSpec) -> SizedSpec:
    """A fleet (a FleetOption) read as a spec by the sensitivity: its GPUs needed and bought,
    its monthly cost and whether it serves every workload (the rest is ``like``'s)."""
    bought = sum(p.gpus_bought for p in fleet.pools)
    return like.model_copy(update={
        "feasible": fleet.feasible, "infeasible_reason": fleet.reason,
        "total_gpus": fleet.total_gpus, "gpus_bought": bought, "cost_per_month": fleet.cost_per_month,
    })


def fleet_sensitivity(demands: Sequence[Demand], spec: PortfolioSpec, workload: int,
                      sizings: Sizings | None = None) -> SensitivityReport:
    """How far each of workload ``workload``'s inputs moves the whole fleet's GPUs bought.
    Raises :class:`~kickoff_tui.errors.KickoffError` when the fleet or the workload is not
    servable."""
    from kickoff_tui.errors import KickoffError
    from kickoff_tui.planning.sensitivity import sensitivity
    from kickoff_tui.sizing.portfolio import Demand, Sizings, fleet_on_pools

    sizing = spec.workloads[workload]
    if spec.fleet is None or sizing.spec is None or not sizing.feasible:
        raise KickoffError(f"workload {sizing.name}: not served by a fleet, so nothing to vary")
    sizings = sizings or Sizings()
    own = demands[workload]

    def sizer(inputs: SizingInputs) -> SizedSpec:
        changed = list(demands)
        changed[workload] = Demand(own.name, inputs, own.peak_hours, own.off_peak_fraction)
        fleet = fleet_on_pools(changed, spec, sizings)
        assert fleet is not None
        return fleet_as_spec(fleet, sizing.spec)

    inputs = own.inputs.model_copy(update={"gpu": sizing.gpu})
    report = sensitivity(sizing.spec, inputs, sizer)
    return _keep(report, lambda field: field not in _it_fields())


def platform_sensitivity(demands: Sequence[Demand], spec: PortfolioSpec,
                         sizings: Sizings | None = None) -> SensitivityReport:
    """How far each of IT's shared answers (rack power, GPUs per server...) moves the fleet's
    GPUs bought when it moves for every workload at once."""
    from kickoff_tui.errors import KickoffError
    from kickoff_tui.planning.sensitivity import sensitivity
    from kickoff_tui.sizing.portfolio import Demand, Sizings, fleet_on_pools

    first = spec.workloads[0] if spec.workloads else None
    if spec.fleet is None or first is None or first.spec is None or not first.feasible:
        raise KickoffError("no fleet serves every workload, so nothing to vary")
    sizings = sizings or Sizings()
    base = demands[0].inputs.model_copy(update={"gpu": first.gpu})

    def sizer(inputs: SizingInputs) -> SizedSpec:
        moved = {f: getattr(inputs, f) for f in _it_fields()
                 if f != "gpu" and getattr(inputs, f) != getattr(base, f)}
        changed = [Demand(d.name, d.inputs.model_copy(update=moved), d.peak_hours, d.off_peak_fraction)
                   for d in demands]
        fleet = fleet_on_pools(changed, spec, sizings)
        assert fleet is not None
        return fleet_as_spec(fleet, first.spec)

    report = sensitivity(first.spec, base, sizer)
    return _keep(report, lambda field: field in _it_fields() and field not in PLATFORM_CHECKS)


def _keep(report: SensitivityReport, wanted) -> SensitivityReport:  # noqa: ANN001 - predicate
    return report.model_copy(update={
        "rows": [r for r in report.rows if wanted(r.field)],
        "skipped": {k: v for k, v in report.skipped.items() if wanted(k)},
    })
