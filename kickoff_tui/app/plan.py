"""What the review screen's Plan tab shows: cost, growth and sensitivity reports for one spec.

The screen calls :func:`plan_cost` on the UI thread (well under a millisecond) and
:func:`plan_projections` in a worker thread (growth and sensitivity re-size the workload dozens of
times), then hands the resulting :class:`PlanReports` to the widgets. Nothing here imports
Textual, so the same functions run in tests without an app.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from kickoff_tui.errors import KickoffError
from kickoff_tui.planning import (
    BusinessReport,
    CostReport,
    GrowthReport,
    PlanningOverrides,
    SensitivityReport,
    business_report,
    cost_report,
    growth_report,
    sensitivity,
)
from kickoff_tui.sizing import SizedSpec, SizingInputs


class PlanReports(BaseModel):
    """The Plan tab's state: every report it draws, and why any is missing."""

    model_config = ConfigDict(extra="forbid")

    cost: CostReport | None = None
    """Rent vs reserved vs buy over the horizon, for the spec's GPU (None until computed)."""
    business: BusinessReport | None = None
    """ROI and payback, when the session holds a business case."""
    growth: GrowthReport | None = None
    """Month the fleet runs out of headroom and the spec per growth scenario."""
    sensitivity: SensitivityReport | None = None
    """Inputs ranked by how far +/-50% moves the GPU count."""
    pending: bool = False
    """True while the worker computes growth and sensitivity."""
    error: str = ""
    """Why nothing could be computed (no spec, infeasible spec, refused planning answer)."""
    growth_error: str = ""
    """Why growth could not be projected (the cost may still be shown)."""
    sensitivity_error: str = ""
    """Why the sensitivity could not be computed (the cost may still be shown)."""


def plan_cost(
    spec: SizedSpec | None, inputs: SizingInputs, overrides: PlanningOverrides, sizing_error: str
) -> PlanReports:
    """The fast part: cost (and the business case), or the reason there is nothing to plan."""
    if spec is None:
        return PlanReports(error=f"No spec yet: {sizing_error or 'answer the questions first'}.")
    if not spec.feasible:
        return PlanReports(error=f"The spec is not feasible: {spec.infeasible_reason}")
    try:
        cost = cost_report(spec, inputs, overrides.cost)
        business = (
            business_report(overrides.business, spec, cost, overrides.cost)
            if overrides.business is not None
            else None
        )
    except KickoffError as err:
        return PlanReports(error=str(err))
    return PlanReports(cost=cost, business=business, pending=True)


def plan_projections(
    base: PlanReports, spec: SizedSpec, inputs: SizingInputs, overrides: PlanningOverrides
) -> PlanReports:
    """The slow part (growth and sensitivity, dozens of sizer runs): call from a worker."""
    update: dict[str, object] = {"pending": False}
    try:
        update["growth"] = growth_report(spec, inputs, overrides.growth, cost=overrides.cost)
    except KickoffError as err:
        update["growth_error"] = str(err)
    try:
        update["sensitivity"] = sensitivity(spec, inputs)
    except KickoffError as err:
        update["sensitivity_error"] = str(err)
    return base.model_copy(update=update)
