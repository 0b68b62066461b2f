"""Business case (owned by the application owner): value delivered against what the fleet costs.

- annual value = value per request x requests per year, or the yearly cost the system replaces
- annual cost  = the chosen option's horizon total incl. operations staff / horizon years
- ROI          = annual value / annual cost (a multiple, as seed 003 states it)
- payback      = upfront spend / (monthly value - monthly running cost), where the upfront spend is
                 the purchase price of owned hardware (nothing for rented) plus any one-off setup
                 cost, and the running cost is the rent (or power) plus staff

Seed 003 ("Building the Business Case") asks for 3-5x ROI or a 6-12 month payback; Kickoff flags a
payback beyond the hardware's life (the depreciation years) in red, and a case below both seed
thresholds as weak.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from kickoff_tui.validation import NoYesNoNumbers
from kickoff_tui.planning import constants as C
from kickoff_tui.planning.figures import Figure, count, num, usd

if TYPE_CHECKING:
    from kickoff_tui.planning.cost import CostOverrides, CostReport
    from kickoff_tui.sizing import SizedSpec

Verdict = Literal["strong", "adequate", "weak", "red"]


class BusinessCase(NoYesNoNumbers):
    """The application owner's answers (an optional questionnaire section)."""

    model_config = ConfigDict(extra="forbid")

    value_per_request_usd: float | None = Field(default=None, ge=0, le=1_000_000)
    """Revenue or saving one served request brings."""
    replaced_cost_per_year_usd: float | None = Field(default=None, ge=0, le=1e12)
    """Yearly cost of what the system replaces (e.g. agent hours automated), used instead."""
    requests_per_month: float | None = Field(default=None, gt=0, le=1e13)
    """Requests served per month; derived from the spec's served throughput when absent."""
    setup_cost_usd: float | None = Field(default=None, ge=0, le=1e12)
    """One-off spend besides hardware (integration, pilot, migration)."""

    @model_validator(mode="after")
    def _one_value(self) -> BusinessCase:
        if self.value_per_request_usd is None and self.replaced_cost_per_year_usd is None:
            raise ValueError(
                "a business case needs value_per_request_usd or replaced_cost_per_year_usd"
            )
        return self


class BusinessReport(BaseModel):
    """ROI and payback for the chosen option, with the verdict."""

    model_config = ConfigDict(extra="forbid")

    option: str
    requests_per_month: Figure | None = None
    annual_value: Figure
    annual_cost: Figure
    upfront: Figure
    monthly_net: Figure
    roi: Figure
    payback_months: Figure
    """Value ``None`` = never pays back (running cost at or above the value)."""
    hardware_life_months: float
    verdict: Verdict
    message: str


def _requests_per_month(case: BusinessCase, spec: SizedSpec, report: CostReport) -> Figure:
    if case.requests_per_month is not None:
        return Figure(
            key="business.requests_per_month",
            label="requests per month",
            value=case.requests_per_month,
            unit="requests",
            trace="session (application owner)",
        )
    served = report.served_tokens_per_s.value or 0.0
    per_month = served / spec.avg_output_tokens * C.SECONDS_PER_HOUR * C.HOURS_PER_MONTH
    return Figure(
        key="business.requests_per_month",
        label="requests per month",
        value=per_month,
        unit="requests",
        trace=(
            f"{num(served, 1)} output tokens/s served / spec.avg_output_tokens "
            f"{spec.avg_output_tokens} x 3,600 x {num(C.HOURS_PER_MONTH)} h"
        ),
        assumed=report.served_tokens_per_s.assumed,
    )


def evaluate(
    annual_value: float,
    monthly_running: float,
    upfront: float,
    hardware_life_months: float,
    annual_cost: float,
) -> tuple[float | None, float | None, Verdict, str]:
    """ROI multiple, payback months, verdict and message from the four money figures.

    Kept separate (pure arithmetic) so the seed's worked example can be pinned without a spec.
    """
    roi = annual_value / annual_cost if annual_cost > 0 else None
    net = annual_value / C.MONTHS_PER_YEAR - monthly_running
    payback = None if net <= 0 else upfront / net
    if payback is None:
        return roi, None, "red", "never pays back: the running cost is at or above the value"
    if payback > hardware_life_months:
        return (
            roi,
            payback,
            "red",
            (
                f"pays back in {payback:.1f} months, after the hardware's {hardware_life_months:.0f}-month life"
            ),
        )
    roi_ok = roi is not None and roi >= C.ROI_MIN_MULTIPLE
    payback_ok = payback <= C.PAYBACK_MAX_MONTHS
    if roi_ok and payback_ok:
        return (
            roi,
            payback,
            "strong",
            "meets both business-case thresholds (>= 3x ROI, <= 12-month payback)",
        )
    if roi_ok or payback_ok:
        return (
            roi,
            payback,
            "adequate",
            "meets one business-case threshold (3-5x ROI or 6-12 month payback)",
        )
    return (
        roi,
        payback,
        "weak",
        "below the business-case thresholds: under 3x ROI and over a 12-month payback",
    )


def business_report(
    case: BusinessCase,
    spec: SizedSpec,
    report: CostReport,
    overrides: CostOverrides | None = None,
) -> BusinessReport:
    """Evaluate the business case against the chosen option of the cost report."""
    option = report.chosen
    years = report.horizon_years
    life_years = (
        overrides.depreciation_years if overrides else None
    ) or C.DEFAULT_DEPRECIATION_YEARS
    life_months = life_years * C.MONTHS_PER_YEAR
    requests: Figure | None = None
    if case.replaced_cost_per_year_usd is not None:
        value = case.replaced_cost_per_year_usd
        value_fig = Figure(
            key="business.annual_value",
            label="annual value",
            value=value,
            unit="USD",
            trace=f"cost replaced per year {usd(value)} (application owner)",
        )
    else:
        requests = _requests_per_month(case, spec, report)
        per_request = case.value_per_request_usd or 0.0
        value = per_request * (requests.value or 0.0) * C.MONTHS_PER_YEAR
        value_fig = Figure(
            key="business.annual_value",
            label="annual value",
            value=value,
            unit="USD",
            trace=(
                f"{usd(per_request)} per request (application owner) x {count(requests.value)} "
                "requests/month x 12"
            ),
            assumed=requests.assumed,
        )
    total = option.horizon_total_with_staff.value if option.horizon_total_with_staff else 0.0
    annual_cost = (total or 0.0) / years
    cost_fig = Figure(
        key="business.annual_cost",
        label="annual cost",
        value=annual_cost,
        unit="USD",
        trace=f"{option.option} incl. staff {usd(total)} / {years} years",
    )
    setup = case.setup_cost_usd or 0.0
    capex = next((f.value for f in option.detail if f.key == "buy.capex"), 0.0) or 0.0
    upfront = capex + setup
    upfront_fig = Figure(
        key="business.upfront",
        label="upfront spend",
        value=upfront,
        unit="USD",
        trace=(
            f"purchase {usd(capex)} + setup {usd(setup)}"
            if option.option == "buy"
            else f"setup {usd(setup)} (rented: no hardware bought)"
        ),
    )
    running_hw = option.per_month.value if option.per_month else 0.0
    if option.option == "buy":
        power = next((f.value for f in option.detail if f.key == "buy.power_per_month"), 0.0) or 0.0
        running_hw, running_what = power, "power"
    else:
        running_what = f"{option.option} rent"
    monthly_running = (running_hw or 0.0) + (report.staff_per_month.value or 0.0)
    roi, payback, verdict, message = evaluate(
        value, monthly_running, upfront, life_months, annual_cost
    )
    net = value / C.MONTHS_PER_YEAR - monthly_running
    return BusinessReport(
        option=option.option,
        requests_per_month=requests,
        annual_value=value_fig,
        annual_cost=cost_fig,
        upfront=upfront_fig,
        monthly_net=Figure(
            key="business.monthly_net",
            label="monthly value minus running cost",
            value=net,
            unit="USD/month",
            trace=(
                f"{usd(value)} / 12 - ({running_what} {usd(running_hw)} + staff "
                f"{usd(report.staff_per_month.value)})"
            ),
        ),
        roi=Figure(
            key="business.roi",
            label="ROI (annual value / annual cost)",
            value=roi,
            unit="x",
            trace=f"{usd(value)} / {usd(annual_cost)}",
            assumed=value_fig.assumed,
        ),
        payback_months=Figure(
            key="business.payback_months",
            label="payback",
            value=payback,
            unit="months",
            trace=(
                f"upfront {usd(upfront)} / monthly net {usd(net)}"
                if payback is not None
                else f"monthly net {usd(net)} <= 0: never"
            ),
        ),
        hardware_life_months=life_months,
        verdict=verdict,
        message=message,
    )
