"""Growth: when the sized fleet runs out of headroom, and the spec for each growth scenario.

Traffic growth is applied to the spec's resolved peak in-flight requests; every "GPUs needed"
figure comes from re-running the sizer (``size()``, the one place the sizing formula lives) on
the grown traffic with the same SKU, the same redundancy and **no** growth headroom: the headroom
is what growth consumes. Every comparison counts GPUs *bought*: the whole purchase or rental
units (nodes, instances, racks) the spec orders, the same GPUs its cost and power count, so the
spare GPUs of today's last unit are capacity too. The fleet runs out in the first month whose
traffic needs more units than bought today. The GPUs the replicas need are shown next to them
("37 needed, 40 bought").
"""

from __future__ import annotations

from kickoff_tui.sizing.sizer import size_pinned
from kickoff_tui.sizing.spec import short_layout

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

from pydantic import BaseModel, ConfigDict, Field

from kickoff_tui.validation import NoYesNoNumbers
from kickoff_tui.catalog import CatalogError
from kickoff_tui.errors import KickoffError
from kickoff_tui.planning import constants as C
from kickoff_tui.planning.charts import bar_chart
from kickoff_tui.planning.figures import Figure, num, pct

if TYPE_CHECKING:
    from kickoff_tui.planning.cost import CostOverrides
    from kickoff_tui.sizing import SizedSpec, SizingInputs

Sizer = Callable[["SizingInputs"], "SizedSpec"]
"""``size()`` or a stand-in with the same signature (tests)."""

MAX_CAPACITY_MULTIPLIER = 64.0
"""Upper end of the search for the traffic multiple the sized fleet can carry (beyond it the
answer is shown as "more than 64x": the fleet is far oversized)."""

CAPACITY_SEARCH_STEPS = 14
"""Bisection steps for that multiple: 64 / 2^14 is well under a percent of traffic."""

MAX_SCENARIO_MULTIPLIER = 1_000.0
"""Largest traffic multiplier a growth scenario may ask for (``--scenario``, the planning
file's ``scenarios``). Traffic a thousand times today's is a different system, sized afresh
rather than grown into; a larger multiplier is a typo, and ``1e308`` would overflow the
in-flight count to infinity."""

ScenarioMultiplier = Annotated[
    float, Field(gt=0, le=MAX_SCENARIO_MULTIPLIER, allow_inf_nan=False)
]
"""One growth scenario's traffic multiplier: finite, above 0, at most 1,000."""


class GrowthSettings(NoYesNoNumbers):
    """How traffic is expected to grow (stored in the session)."""

    model_config = ConfigDict(extra="forbid")

    monthly_rate: float | None = Field(default=None, ge=0, le=2)
    """Compound monthly traffic growth, as a fraction (0.05 = +5% a month)."""
    months: int | None = Field(default=None, ge=1, le=120)
    """How far the projection looks ahead."""
    scenarios: list[ScenarioMultiplier] | None = Field(default=None, max_length=12)
    """Traffic multipliers to size for (1.5 = +50%); default +50%, +100% and 3x."""
    review_months: int | None = Field(default=None, ge=1, le=120)
    """Months until the next review (the agreed review cadence: 3 for quarterly). The expected
    growth ("before the next review") arrives over this many months."""


class GrowthPoint(BaseModel):
    """GPUs needed and bought at one month of the projection."""

    model_config = ConfigDict(extra="forbid")

    month: int
    multiplier: float
    peak_concurrency: int
    total_gpus: int | None
    """GPUs the replicas need; ``None`` when the grown traffic cannot be served on this SKU."""
    gpus_bought: int | None = None
    """GPUs in the whole units that traffic needs (what is compared with the fleet)."""


class ScenarioSpec(BaseModel):
    """The sized spec for one growth scenario."""

    model_config = ConfigDict(extra="forbid")

    label: str
    multiplier: float
    peak_concurrency: int
    feasible: bool
    reason: str = ""
    replicas: int = 0
    layout: str = ""
    """How each replica splits the model at this traffic (``TP4``): the sizer may pick another
    tensor-parallel size than today's, which is why the replica counts do not scale alone."""
    total_gpus: int = 0
    """GPUs the replicas need."""
    gpus_bought: int = 0
    """GPUs in whole units (what is ordered, priced and powered)."""
    units: int = 0
    unit_name: str = ""
    nodes: int = 0
    it_power_kw: float = 0.0
    cost_per_month: float | None = None
    """The one monthly cost of the grown spec (its units on the spec's price basis, staff
    included) when it can be priced, else the sizer's GPU cost."""
    cost_basis: str = ""
    """That cost's basis in words ("1-year reserved rent, incl. staff")."""
    extra_gpus: int = 0
    """GPUs to buy beyond today's fleet, in whole units (0 when it still fits)."""
    fits_sized_fleet: bool = False


class GrowthReport(BaseModel):
    """Everything the growth section shows."""

    model_config = ConfigDict(extra="forbid")

    gpu: str
    sized_gpus: int
    """GPUs BOUGHT today (whole units of today's spec, headroom and redundancy included)."""
    sized_needed: int = 0
    """GPUs today's replicas need (``sized_gpus`` less the spare GPUs of the last units)."""
    unit_name: str = ""
    needed_today: int | None
    """GPUs bought (whole units) that today's traffic needs with no growth headroom."""
    needed_today_gpus: int | None = None
    """GPUs the replicas for today's traffic need with no growth headroom."""
    capacity_multiplier: Figure
    """Largest multiple of today's peak traffic the sized fleet carries."""
    monthly_rate: Figure | None
    months: int
    points: list[GrowthPoint] = Field(default_factory=list)
    out_of_headroom_month: Figure | None = None
    """First month whose traffic needs more GPUs than sized; value ``None`` = not within
    ``months``. Absent without a monthly rate."""
    scenarios: list[ScenarioSpec] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)

    def chart(self, width: int = 40, ascii_only: bool = False) -> list[str]:
        """GPUs needed over time against the sized fleet (at most 13 rows)."""
        if not self.points:
            return []
        step = max(1, math.ceil(len(self.points) / 13))
        shown = self.points[::step]
        if shown[-1] is not self.points[-1]:
            shown.append(self.points[-1])
        rows = [
            (f"month {p.month}", None if p.gpus_bought is None else float(p.gpus_bought))
            for p in shown
        ]
        rate = self.monthly_rate.value if self.monthly_rate else 0.0
        head = (
            f"GPUs to buy (whole units) at +{pct(rate, 1)} traffic a month "
            f"({'|' if ascii_only else '│'} = {self.sized_gpus} GPUs sized and bought)"
        )
        return [
            head,
            *bar_chart(
                rows,
                marker=float(self.sized_gpus),
                width=width,
                unit="GPUs",
                over_word="over: buy or rent more",
                ascii_only=ascii_only,
            ),
        ]


def grown_inputs(inputs: SizingInputs, spec: SizedSpec, multiplier: float) -> SizingInputs:
    """The inputs with peak traffic multiplied and growth headroom removed, on the spec's SKU.

    The spec's stated in-flight requests (given, or derived from users / RPS with Little's law,
    BEFORE the burst) are multiplied directly, so the derivation is not redone; the burst is
    applied again by the sizer on top, as it was today (multiplying the design load would
    count the burst twice). Specs without a stated load multiply their design load.
    """
    stated = spec.stated_concurrency or spec.peak_concurrency
    grown = stated * multiplier
    if not (math.isfinite(grown) and multiplier > 0):  # nan, inf, 1e308: never an OverflowError
        raise KickoffError(
            f"traffic multiplier {multiplier:g} is not a finite number above 0 "
            f"(a growth scenario is at most {num(MAX_SCENARIO_MULTIPLIER)}x)"
        )
    return inputs.model_copy(
        update={
            "peak_concurrency": max(1, math.ceil(grown - 1e-9)),
            "users": None,
            "requests_per_second": None,
            "requests_per_user_per_hour": None,
            "growth_headroom": 0.0,
            "gpu": spec.gpu,
        }
    )


class _Needed:
    """GPUs needed at a traffic multiple, memoised by the rounded concurrency."""

    def __init__(self, inputs: SizingInputs, spec: SizedSpec, sizer: Sizer) -> None:
        self.inputs, self.spec, self.sizer = inputs, spec, sizer
        self.cache: dict[int, SizedSpec] = {}

    def spec_at(self, multiplier: float) -> SizedSpec:
        grown = grown_inputs(self.inputs, self.spec, multiplier)
        key = grown.peak_concurrency or 0
        if key not in self.cache:
            try:
                self.cache[key] = self.sizer(grown)
            except CatalogError as err:  # answers naming a model or GPU the catalog lacks
                raise KickoffError(f"the answers cannot be re-sized: {err}") from None
        return self.cache[key]

    def gpus_at(self, multiplier: float) -> int | None:
        """GPUs bought (whole units) at a traffic multiple; None when it cannot be served."""
        result = self.spec_at(multiplier)
        return bought(result) if result.feasible else None


def bought(spec: SizedSpec) -> int:
    """GPUs in the whole units a spec orders (its cost and power count these), or the replicas'
    GPUs for a spec without units."""
    return spec.gpus_bought if spec.gpus_bought > 0 else spec.total_gpus


def needed_and_bought(spec: SizedSpec) -> str:
    """"37 GPUs needed, 40 bought" (or "40 GPUs" when they are the same)."""
    if bought(spec) == spec.total_gpus:
        return f"{spec.total_gpus} GPUs"
    return f"{spec.total_gpus} GPUs needed, {bought(spec)} bought"


def _capacity_multiplier(needed: _Needed, sized: int) -> Figure:
    def fits(k: float) -> bool:
        gpus = needed.gpus_at(k)
        return gpus is not None and gpus <= sized

    if not fits(1.0):
        return Figure(
            key="growth.capacity_multiplier",
            label="traffic the sized fleet carries",
            value=None,
            unit="x",
            trace="today's traffic without headroom already needs more GPUs than sized",
        )
    if fits(MAX_CAPACITY_MULTIPLIER):
        return Figure(
            key="growth.capacity_multiplier",
            label="traffic the sized fleet carries",
            value=MAX_CAPACITY_MULTIPLIER,
            unit="x",
            trace=f"more than {num(MAX_CAPACITY_MULTIPLIER)}x today's peak still fits",
        )
    low, high = 1.0, MAX_CAPACITY_MULTIPLIER
    for _ in range(CAPACITY_SEARCH_STEPS):
        mid = (low + high) / 2
        if fits(mid):
            low = mid
        else:
            high = mid
    grown = needed.spec_at(low).peak_concurrency
    return Figure(
        key="growth.capacity_multiplier",
        label="traffic the sized fleet carries",
        value=low,
        unit="x",
        trace=(
            f"largest k with size(stated peak {needed.spec.stated_concurrency or needed.spec.peak_concurrency}"
            f" x k, headroom 0) fits in the {sized} GPUs bought (whole units): k = {low:.2f} "
            f"(design load {grown} in flight)"
        ),
    )


def monthly_rate_figure(inputs: SizingInputs, settings: GrowthSettings) -> Figure | None:
    """The monthly growth rate: from the session, else spread from ``expected_growth``."""
    if settings.monthly_rate is not None:
        return Figure(
            key="growth.monthly_rate",
            label="traffic growth per month",
            value=settings.monthly_rate,
            unit="%",
            trace=f"{pct(settings.monthly_rate, 1)} a month (session)",
        )
    if inputs.expected_growth is not None:
        if settings.review_months is not None:
            months = settings.review_months
            basis = f"expected growth arrives before the next review, in {months} months"
        else:
            months = C.EXPECTED_GROWTH_HORIZON_MONTHS
            basis = (f"no review cadence yet: expected growth assumed to arrive over {months} "
                     "months")
        rate = (1.0 + inputs.expected_growth) ** (1.0 / months) - 1.0
        return Figure(
            key="growth.monthly_rate",
            label="traffic growth per month",
            value=rate,
            unit="%",
            trace=(
                f"(1 + inputs.expected_growth {num(inputs.expected_growth)})^(1/{months}) - 1 "
                f"= {pct(rate, 2)} [{basis}]"
            ),
            assumed=settings.review_months is None,
        )
    return None


def growth_report(
    spec: SizedSpec,
    inputs: SizingInputs,
    settings: GrowthSettings | None = None,
    sizer: Sizer | None = None,
    cost: CostOverrides | None = None,
) -> GrowthReport:
    """Project GPUs needed and bought month by month and size each growth scenario (costed as
    the spec is: ``cost`` holds the session's cost answers)."""
    from kickoff_tui.planning.cost import spec_monthly_cost

    settings = settings or GrowthSettings()
    sizer = sizer or size_pinned
    months = settings.months or C.DEFAULT_GROWTH_MONTHS
    needed = _Needed(inputs, spec, sizer)
    sized = bought(spec)
    notes: list[str] = []
    today = needed.gpus_at(1.0)
    today_spec = needed.spec_at(1.0)
    capacity = _capacity_multiplier(needed, sized)
    rate = monthly_rate_figure(inputs, settings)
    points: list[GrowthPoint] = []
    out_month: Figure | None = None
    if rate is None:
        notes.append(
            "no monthly growth rate and no expected growth: answer the monthly traffic growth "
            "question to see when the fleet runs out of headroom"
        )
    else:
        first_over: int | None = None
        for month in range(months + 1):
            k = (1.0 + (rate.value or 0.0)) ** month
            result = needed.spec_at(k)
            gpus = bought(result) if result.feasible else None
            points.append(
                GrowthPoint(
                    month=month,
                    multiplier=k,
                    peak_concurrency=result.peak_concurrency,
                    total_gpus=result.total_gpus if result.feasible else None,
                    gpus_bought=gpus,
                )
            )
            if first_over is None and (gpus is None or gpus > sized):
                first_over = month
        if first_over is None:
            trace = (
                f"GPUs to buy stay <= the {sized} bought for all {months} months at "
                f"{pct(rate.value, 1)}/month"
            )
        else:
            point = points[first_over]
            need = (
                "cannot be served on this SKU"
                if point.total_gpus is None
                else (f"needs {point.total_gpus} GPUs, {point.gpus_bought} bought in whole units "
                      f"> {sized} bought today")
            )
            trace = (
                f"month {first_over}: stated peak {spec.stated_concurrency or spec.peak_concurrency} "
                f"x (1 + {pct(rate.value, 1)})^{first_over} -> design load "
                f"{point.peak_concurrency} in flight {need}"
            )
        if capacity.value is not None and rate.value:
            analytic = math.log(capacity.value) / math.log(1.0 + rate.value)
            trace += f" (capacity {capacity.value:.2f}x / growth rate: about {analytic:.1f} months)"
        out_month = Figure(
            key="growth.out_of_headroom_month",
            label="month the fleet runs out",
            value=None if first_over is None else float(first_over),
            unit="month",
            trace=trace,
            assumed=rate.assumed,
        )
    multipliers: list[tuple[str, float]] = list(C.GROWTH_SCENARIOS)
    if settings.scenarios:
        multipliers = [(f"x{num(m)}", m) for m in settings.scenarios]
    if inputs.expected_growth is not None:
        multipliers.append(
            (f"expected +{pct(inputs.expected_growth)}", 1.0 + inputs.expected_growth)
        )
    scenarios: list[ScenarioSpec] = []
    for label, k in multipliers:
        result = needed.spec_at(k)
        month = spec_monthly_cost(result, inputs, cost) if result.feasible and result.gpus_bought else None
        scenarios.append(
            ScenarioSpec(
                label=label,
                multiplier=k,
                peak_concurrency=result.peak_concurrency,
                feasible=result.feasible,
                reason=result.infeasible_reason,
                replicas=result.replicas,
                layout=short_layout(result.layout) if result.feasible else "",
                total_gpus=result.total_gpus,
                gpus_bought=bought(result) if result.feasible else 0,
                units=result.units,
                unit_name=result.unit_name,
                nodes=result.nodes,
                it_power_kw=result.it_power_kw,
                cost_per_month=month.value if month is not None and month.value is not None
                else result.cost_per_month,
                cost_basis=month.basis if month is not None and month.value is not None else "GPUs only",
                extra_gpus=max(0, bought(result) - sized) if result.feasible else 0,
                fits_sized_fleet=result.feasible and bought(result) <= sized,
            )
        )
    return GrowthReport(
        gpu=spec.gpu,
        sized_gpus=sized,
        sized_needed=spec.total_gpus,
        unit_name=spec.unit_name,
        needed_today=today,
        needed_today_gpus=today_spec.total_gpus if today_spec.feasible else None,
        capacity_multiplier=capacity,
        monthly_rate=rate,
        months=months,
        points=points,
        out_of_headroom_month=out_month,
        scenarios=scenarios,
        notes=notes,
    )
