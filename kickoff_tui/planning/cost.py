"""Cost model: price bases per SKU, rent vs reserved vs buy over the horizon, break-even
utilisation, operations staff, and the managed-API comparison.

Inputs are the sized spec (GPU count, IT power, throughput), the catalog's dated prices for the
spec's GPU, and :class:`CostOverrides` (anything the meeting quotes itself). Each output number is
a :class:`~kickoff_tui.planning.figures.Figure` whose trace names what it was computed from.

Formulas (one function each):

- price per basis: the override, else the catalog's price for that basis, else (reserved only)
  on-demand x (1 - commitment discount)                                      :func:`quote_prices`
- GPUs priced: the whole units the spec buys or rents (``spec.gpus_bought``, the same GPUs its
  power counts), or the replicas' GPUs for a spec without units             :func:`fleet_gpus`
- rental option, per hour: GPUs x $/GPU-hour                                   :func:`_rental_option`
- buy option, per hour: GPUs x purchase / (depreciation years x 8,760 h)
  + typical-draw kW x PUE x $/kWh (nameplate when no typical draw)              :func:`_buy_option`
- operations staff per year: GPUs / 100 x engineers per 100 GPUs x $/engineer-year  :func:`staff`
- average utilisation: the spec's average in flight / in-flight capacity (the sizer already
  turned the burst into a design and an average load; older specs: (peak / capacity) / burst)
                                                                               :func:`utilisation`
- $ per million output tokens: $/hour / (average output tokens/s x 3,600 / 10^6); per million
  tokens: the same over input + output tokens (input tokens/s = output x ISL / OSL)
- the one monthly cost: the chosen option per month + staff, and per million tokens (input +
  output, and output only) at the average load from it                       :func:`headline_cost`
- break-even utilisation of a committed option: its horizon cost / on-demand running 100%
  of the horizon (below it, on-demand that scales to the load is cheaper)
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from kickoff_tui.validation import NoYesNoNumbers
from kickoff_tui.planning import constants as C
from kickoff_tui.planning.figures import Figure, num, pct, usd

if TYPE_CHECKING:
    from kickoff_tui.catalog import GPU, PricePoint
    from kickoff_tui.sizing import SizedSpec, SizingInputs

Basis = Literal["on-demand", "reserved-1y", "reserved-3y", "spot", "capacity-block", "purchase"]
RENTAL_BASES: tuple[str, ...] = (
    "on-demand",
    "reserved-1y",
    "reserved-3y",
    "spot",
    "capacity-block",
)
"""Hourly bases, in the order the comparison lists them."""

OPTION_FOR_BASIS: dict[str, str] = {
    "on-demand": "on-demand",
    "reserved-1y": "reserved-1y",
    "reserved-3y": "reserved-3y",
    "spot": "spot",
    "capacity-block": "capacity-block",
    "purchase": "buy",
}
"""Name of the 3-year option each price basis feeds."""


class CostOverrides(NoYesNoNumbers):
    """What the meeting quotes itself; every field replaces a catalog price or a Kickoff default.

    Stored in the session (``PlanningOverrides.cost``) so the cost section replays exactly.
    """

    model_config = ConfigDict(extra="forbid")

    on_demand_usd_per_gpu_hour: float | None = Field(default=None, gt=0, le=1_000)
    """Quoted on-demand price for one GPU-hour."""
    reserved_1y_usd_per_gpu_hour: float | None = Field(default=None, gt=0, le=1_000)
    """Quoted 1-year committed / reserved price for one GPU-hour."""
    reserved_3y_usd_per_gpu_hour: float | None = Field(default=None, gt=0, le=1_000)
    """Quoted 3-year committed / reserved price for one GPU-hour."""
    spot_usd_per_gpu_hour: float | None = Field(default=None, gt=0, le=1_000)
    """Quoted spot / preemptible price for one GPU-hour."""
    purchase_usd_per_gpu: float | None = Field(default=None, gt=0, le=10_000_000)
    """Purchase price of one GPU including its share of the server, network and install."""
    price_provider: str | None = Field(default=None, max_length=200)
    """Who quoted the overriding prices (shown next to them)."""
    price_date: str | None = Field(default=None, max_length=60)
    """When the overriding prices were quoted (ISO date)."""
    annual_commit_discount: float | None = Field(default=None, ge=0, lt=1)
    """Discount off on-demand used to derive a missing reserved-1y price."""
    multi_year_commit_discount: float | None = Field(default=None, ge=0, lt=1)
    """Discount off on-demand used to derive a missing reserved-3y price."""
    spot_discount: float | None = Field(default=None, ge=0, lt=1)
    """Discount off on-demand used to derive a missing spot price."""
    depreciation_years: float | None = Field(default=None, gt=0, le=15)
    """Straight-line depreciation of purchased hardware; also its life for the payback check."""
    horizon_years: int | None = Field(default=None, ge=1, le=10)
    """Length of the rent-vs-reserved-vs-buy comparison."""
    power_usd_per_kwh: float | None = Field(default=None, ge=0, le=10)
    """Electricity price for owned hardware."""
    pue: float | None = Field(default=None, ge=1, le=4)
    """Facility power over IT power for owned hardware."""
    ops_engineers_per_100_gpus: float | None = Field(default=None, ge=0, le=100)
    """Operations staff per 100 GPUs (applies to every option: rented fleets need operating too)."""
    ops_engineer_usd_per_year: float | None = Field(default=None, ge=0, le=10_000_000)
    """Fully loaded cost of one operations engineer."""
    utilisation: float | None = Field(default=None, gt=0, le=1)
    """Average share of the sized output throughput actually used (else derived from the spec)."""
    managed_api_usd_per_million_output_tokens: float | None = Field(default=None, ge=0, le=10_000)
    """A managed API's price per million output tokens, for the comparison line."""
    managed_api_usd_per_million_input_tokens: float | None = Field(default=None, ge=0, le=10_000)
    """The same API's price per million input tokens (0 when not entered)."""
    managed_api_name: str | None = Field(default=None, max_length=200)
    """Which API the prices belong to."""


class PriceQuote(NoYesNoNumbers):
    """The price used for one basis and where it came from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    basis: str
    usd_per_gpu_hour: float | None = None
    """Hourly price (rental bases)."""
    usd_per_gpu: float | None = None
    """Purchase price (purchase basis)."""
    provider: str
    date: str
    source: str
    estimate: bool = False
    """The catalog flags the price as an estimate rather than a list price."""
    derived: bool = False
    """Computed from another basis with a named discount rather than quoted."""
    override: bool = False
    """Entered in the session."""
    includes_platform: bool = True
    """Purchase: the price covers the server around the GPU (quotes are asked for that way);
    False for the catalog's card-only street prices."""

    def cite(self) -> str:
        """Short provenance: provider and date, plus what kind of figure it is."""
        tags = []
        if self.override:
            tags.append("session override")
        if self.estimate:
            tags.append("estimate")
        if self.derived:
            tags.append("derived")
        tag = f"; {', '.join(tags)}" if tags else ""
        return f"{self.basis}, {self.provider}, {self.date}{tag}"

    def price_text(self) -> str:
        if self.usd_per_gpu_hour is not None:
            return f"{usd(self.usd_per_gpu_hour)}/GPU-h"
        return f"{usd(self.usd_per_gpu)}/GPU"


class OptionCost(BaseModel):
    """One way to pay for the sized fleet, over the horizon."""

    model_config = ConfigDict(extra="forbid")

    option: str
    """``on-demand``, ``reserved-1y``, ``reserved-3y``, ``spot``, ``capacity-block`` or ``buy``."""
    available: bool
    reason: str = ""
    """Why the option cannot be priced (no price for the basis)."""
    quote: PriceQuote | None = None
    per_hour: Figure | None = None
    """The whole fleet, hardware (and power when owned) only."""
    per_month: Figure | None = None
    horizon_total: Figure | None = None
    """Hardware (and power) over the horizon, staff excluded (staff is the same for every option)."""
    horizon_total_with_staff: Figure | None = None
    per_million_output_tokens: Figure | None = None
    """At the average utilisation (every hour paid, fewer tokens served), staff excluded."""
    per_million_tokens: Figure | None = None
    """GPU cost per million tokens, input and output counted together, at the average
    utilisation, staff excluded (the headline figures include it)."""
    break_even_utilisation: Figure | None = None
    """Committed options: below this average utilisation, on-demand that scales to the load wins."""
    detail: list[Figure] = Field(default_factory=list)
    """Intermediate figures (capex, depreciation, power) for owned hardware."""
    caveat: str = ""


class CostReport(BaseModel):
    """Everything the cost section shows."""

    model_config = ConfigDict(extra="forbid")

    gpu: str
    gpu_name: str
    total_gpus: int
    horizon_years: int
    chosen_option: str
    """The option matching the spec's price basis."""
    quotes: list[PriceQuote]
    options: list[OptionCost]
    utilisation: Figure
    served_tokens_per_s: Figure
    staff_engineers: Figure
    staff_per_month: Figure
    staff_horizon: Figure
    per_million_at_peak: Figure | None = None
    """Chosen option's cost per million output tokens at the peak traffic (the spec's basis)."""
    input_tokens_per_s: Figure | None = None
    """Average input (prompt) tokens/s served: output tokens/s x average input / output tokens."""
    monthly: Figure | None = None
    """THE monthly cost: the chosen option per month + operations staff, its basis in the label
    (the figure the spec panel, the Plan tab and the report show)."""
    monthly_basis: str = ""
    per_million_tokens: Figure | None = None
    """The monthly cost / (input + output tokens a month at the average load)."""
    per_million_output_tokens: Figure | None = None
    """The monthly cost / (output tokens a month at the average load)."""
    managed_api: list[Figure] = Field(default_factory=list)
    cheapest_option: str = ""
    """Lowest horizon total among the priced options (spot excluded: it can be taken away)."""
    assumptions: list[str] = Field(default_factory=list)
    """Kickoff defaults used in place of a meeting answer or a quote."""
    warnings: list[str] = Field(default_factory=list)

    def option(self, name: str) -> OptionCost:
        for opt in self.options:
            if opt.option == name:
                return opt
        raise KeyError(name)

    @property
    def chosen(self) -> OptionCost:
        return self.option(self.chosen_option)

    def per_million(self, month: float | None) -> tuple[float | None, float | None]:
        """A basis's monthly cost (staff included) per million tokens at the average load:
        (input + output, output only), as every row of the cost tables shows it; None where
        there is no cost or no traffic."""
        per_month_m = C.HOURS_PER_MONTH * C.SECONDS_PER_HOUR / C.TOKENS_PER_MILLION
        out_m = (self.served_tokens_per_s.value or 0.0) * per_month_m
        both_m = out_m + ((self.input_tokens_per_s.value if self.input_tokens_per_s else None) or 0.0) * per_month_m
        if month is None:
            return None, None
        return (month / both_m if both_m > 0 else None), (month / out_m if out_m > 0 else None)

    def headline(self) -> list[Figure]:
        """The one monthly cost (staff included, basis named) and the cost per million tokens,
        input + output and output only, at the average load."""
        figures = (self.monthly, self.per_million_tokens, self.per_million_output_tokens)
        return [f for f in figures if f]

    def traced_figures(self) -> list[Figure]:
        """Every figure whose arithmetic the reports write out, in reading order."""
        opt = self.chosen
        figures = [
            self.utilisation,
            self.served_tokens_per_s,
            self.input_tokens_per_s,
            self.staff_engineers,
            self.staff_per_month,
            opt.per_hour,
            opt.per_month,
            opt.horizon_total,
            opt.per_million_output_tokens,
            opt.per_million_tokens,
            self.per_million_at_peak,
            self.monthly,
            self.per_million_tokens,
            self.per_million_output_tokens,
            *opt.detail,
            *[o.break_even_utilisation for o in self.options],
        ]
        if self.cheapest_option and self.cheapest_option != opt.option:
            # the cheapest basis is recommended over the chosen one: its arithmetic too
            other = self.option(self.cheapest_option)
            figures += [other.per_hour, other.per_month, other.horizon_total, *other.detail]
        return [f for f in figures if f is not None]


# --- Prices --------------------------------------------------------------------------------------


def _pick(points: list[PricePoint], basis: str, prefer: float | None) -> PricePoint | None:
    """The catalog price for ``basis``: the one the spec used when it matches, else the lowest
    (the sizer's rule, so the cost section and the spec agree)."""
    rows = [p for p in points if p.basis == basis and (p.usd_per_gpu_hour or p.usd_per_gpu)]
    if not rows:
        return None
    if prefer is not None:
        for row in rows:
            if row.usd_per_gpu_hour is not None and abs(row.usd_per_gpu_hour - prefer) < 1e-6:
                return row
    return min(rows, key=lambda p: p.usd_per_gpu_hour or p.usd_per_gpu or 0.0)


def _from_point(point: PricePoint) -> PriceQuote:
    return PriceQuote(
        basis=point.basis,
        usd_per_gpu_hour=point.usd_per_gpu_hour,
        usd_per_gpu=point.usd_per_gpu,
        provider=point.provider,
        date=point.date,
        source=point.source,
        estimate=point.estimate,
        includes_platform=point.includes_platform or point.basis != "purchase",
    )


def quote_prices(
    gpu: GPU, overrides: CostOverrides, spec_basis: str = "", spec_price: float | None = None
) -> dict[str, PriceQuote]:
    """The price for each basis that can be priced, keyed by basis.

    Order of precedence: session override, catalog price (the spec's when it used this basis),
    then for reserved and spot bases, on-demand less the named discount (the sizer's constants).
    Capacity blocks and purchase are never invented: without a quote they stay unpriced.
    """
    override_hourly = {
        "on-demand": overrides.on_demand_usd_per_gpu_hour,
        "reserved-1y": overrides.reserved_1y_usd_per_gpu_hour,
        "reserved-3y": overrides.reserved_3y_usd_per_gpu_hour,
        "spot": overrides.spot_usd_per_gpu_hour,
    }
    provider = overrides.price_provider or "quoted in the meeting"
    date = overrides.price_date or "undated"
    quotes: dict[str, PriceQuote] = {}
    for basis in (*RENTAL_BASES, "purchase"):
        value = override_hourly.get(basis)
        if basis == "purchase":
            value = overrides.purchase_usd_per_gpu
        if value is not None:
            hourly = basis != "purchase"
            quotes[basis] = PriceQuote(
                basis=basis,
                usd_per_gpu_hour=value if hourly else None,
                usd_per_gpu=None if hourly else value,
                provider=provider,
                date=date,
                source="session override",
                override=True,
            )
            continue
        prefer = spec_price if basis == spec_basis else None
        point = _pick(list(gpu.prices), basis, prefer)
        if point is not None:
            quotes[basis] = _from_point(point)
    base = quotes.get("on-demand")
    if base is not None and base.usd_per_gpu_hour is not None:
        derived = (
            (
                "reserved-1y",
                overrides.annual_commit_discount,
                C.ANNUAL_COMMIT_DISCOUNT,
                "GPU procurement guide: annual commitment 20%-30%",
            ),
            (
                "reserved-3y",
                overrides.multi_year_commit_discount,
                C.MULTI_YEAR_COMMIT_DISCOUNT,
                "GPU procurement guide: multi-year commitment 30%-50%",
            ),
            (
                "spot",
                overrides.spot_discount,
                C.SPOT_DISCOUNT,
                "sizer's spot discount, roughly 60% off list on the large clouds",
            ),
        )
        for basis, given, default, origin_text in derived:
            if basis in quotes:
                continue
            discount = default if given is None else given
            origin = f"session discount {pct(discount)}" if given is not None else origin_text
            quotes[basis] = PriceQuote(
                basis=basis,
                usd_per_gpu_hour=base.usd_per_gpu_hour * (1.0 - discount),
                provider=f"derived from {base.provider} on-demand",
                date=base.date,
                source=(
                    f"on-demand {usd(base.usd_per_gpu_hour)}/GPU-h x (1 - {num(discount)}) "
                    f"[{origin}]"
                ),
                estimate=base.estimate,
                derived=True,
            )
    return quotes


# --- Shared quantities ---------------------------------------------------------------------------


def _assumed_value(spec: SizedSpec, field: str) -> float | None:
    for item in spec.assumptions:
        if item.field == field:
            try:
                return float(str(item.value).split()[0].rstrip("x%"))
            except (ValueError, IndexError):
                return None
    return None


def utilisation(spec: SizedSpec, inputs: SizingInputs, overrides: CostOverrides) -> Figure:
    """Average share of the whole fleet's capacity that traffic uses.

    = (peak in-flight requests / (all replicas x sized in-flight per replica)) / burst factor.
    Redundancy and headroom replicas make the first ratio < 1; the burst factor (peak over average
    traffic) turns the peak into an average. An override replaces the whole derivation.
    """
    if overrides.utilisation is not None:
        return Figure(
            key="utilisation",
            label="average utilisation",
            value=overrides.utilisation,
            unit="%",
            trace=f"{pct(overrides.utilisation)} (session override)",
        )
    capacity = spec.replicas * spec.concurrency_per_replica
    if capacity <= 0:
        return Figure(
            key="utilisation",
            label="average utilisation",
            value=None,
            unit="%",
            trace="spec has no replicas: nothing to utilise",
        )
    if spec.average_concurrency > 0:
        # The sizer states the average load itself (the stated peak; peak / burst when the
        # peak includes the bursts): no second division by the burst.
        value = min(1.0, spec.average_concurrency / capacity)
        return Figure(
            key="utilisation",
            label="average utilisation",
            value=value,
            unit="%",
            trace=(
                f"spec.average_concurrency {num(spec.average_concurrency)} [{spec.load_note}] / "
                f"(spec.replicas {spec.replicas} x spec.concurrency_per_replica "
                f"{spec.concurrency_per_replica}) = {pct(value, 1)}"
            ),
            assumed=spec.is_assumed("burst_factor"),
        )
    peak_share = min(1.0, spec.peak_concurrency / capacity)
    burst = inputs.burst_factor
    burst_origin = "inputs.burst_factor"
    assumed = False
    if burst is None:
        burst = _assumed_value(spec, "burst_factor")
        burst_origin = "assumed burst factor (spec assumptions)"
        assumed = True
    if burst is None or burst < 1:
        burst = 1.0
        burst_origin = "no burst factor stated: average taken equal to the peak (upper bound)"
        assumed = True
    value = peak_share / burst
    trace = (
        f"(spec.peak_concurrency {spec.peak_concurrency} / (spec.replicas {spec.replicas} x "
        f"spec.concurrency_per_replica {spec.concurrency_per_replica}) = {pct(peak_share, 1)}) / "
        f"burst {num(burst)} [{burst_origin}] = {pct(value, 1)}"
    )
    return Figure(
        key="utilisation",
        label="average utilisation",
        value=value,
        unit="%",
        trace=trace,
        assumed=assumed,
    )


def served_tokens(spec: SizedSpec, util: Figure) -> Figure:
    """Average output tokens/s the fleet serves: per-replica throughput at the sized concurrency
    x all replicas x utilisation. (``spec.output_tokens_per_s`` counts the load replicas only.)"""
    load_replicas = spec.replicas_for_load * max(1, spec.deployments)
    if spec.output_tokens_per_s_average > 0 and util.key == "utilisation" and "session override" not in util.trace:
        return Figure(
            key="served_tokens_per_s",
            label="average output tokens/s served",
            value=spec.output_tokens_per_s_average,
            unit="tokens/s",
            trace=(
                f"spec.output_tokens_per_s_average {num(spec.output_tokens_per_s_average, 1)}: every "
                f"replica run at the average load ({num(spec.average_concurrency)} in flight)"
            ),
            assumed=util.assumed,
        )
    if util.value is None or load_replicas <= 0:
        return Figure(
            key="served_tokens_per_s",
            label="average output tokens/s served",
            value=None,
            unit="tokens/s",
            trace="no replicas or no utilisation",
        )
    per_replica = spec.output_tokens_per_s / load_replicas
    value = per_replica * spec.replicas * util.value
    return Figure(
        key="served_tokens_per_s",
        label="average output tokens/s served",
        value=value,
        unit="tokens/s",
        trace=(
            f"spec.output_tokens_per_s {num(spec.output_tokens_per_s, 1)} / (spec.replicas_for_load "
            f"{spec.replicas_for_load} x spec.deployments {max(1, spec.deployments)}) = "
            f"{num(per_replica, 1)} per replica x spec.replicas {spec.replicas} x utilisation "
            f"{pct(util.value, 1)}"
        ),
        assumed=util.assumed,
    )


def peak_tokens(spec: SizedSpec) -> float | None:
    """Output tokens/s at the peak traffic (the sizer's basis for cost per million tokens):
    in-flight requests served at the peak / TPOT."""
    if not spec.tpot_ms:
        return None
    if spec.average_concurrency > 0 and spec.output_tokens_per_s > 0:
        return spec.output_tokens_per_s  # the sizer ran the design (peak) load itself
    served = min(
        spec.peak_concurrency,
        spec.concurrency_per_replica * spec.replicas_for_load * max(1, spec.deployments),
    )
    return served / (spec.tpot_ms / C.MS_PER_S)


def staff(
    total_gpus: int, overrides: CostOverrides, horizon_years: int
) -> tuple[Figure, Figure, Figure]:
    """Operations engineers for the fleet and what they cost per month and over the horizon."""
    per_100 = overrides.ops_engineers_per_100_gpus
    per_100_origin = "session"
    if per_100 is None:
        per_100 = C.OPS_ENGINEERS_PER_100_GPUS
        per_100_origin = "GPU procurement guide: 1-2 per 100 GPUs, midpoint"
    salary = overrides.ops_engineer_usd_per_year
    salary_origin = "session"
    if salary is None:
        salary = C.OPS_ENGINEER_USD_PER_YEAR
        salary_origin = "GPU procurement guide: 2 ML engineers $400k/year"
    engineers = total_gpus / 100.0 * per_100
    per_year = engineers * salary
    eng = Figure(
        key="staff.engineers",
        label="operations engineers",
        value=engineers,
        unit="FTE",
        trace=(
            f"GPUs {total_gpus} / 100 x {num(per_100)} per 100 GPUs "
            f"[{per_100_origin}] = {num(engineers)} FTE"
        ),
    )
    month = Figure(
        key="staff.per_month",
        label="operations staff per month",
        value=per_year / C.MONTHS_PER_YEAR,
        unit="USD/month",
        trace=f"{num(engineers)} FTE x {usd(salary)}/year [{salary_origin}] / 12",
    )
    horizon = Figure(
        key="staff.horizon",
        label=f"operations staff over {horizon_years} years",
        value=per_year * horizon_years,
        unit="USD",
        trace=f"{num(engineers)} FTE x {usd(salary)}/year x {horizon_years} years",
    )
    return eng, month, horizon


def _per_million(per_hour: float, tokens_per_s: float | None, key: str, label: str) -> Figure:
    if not tokens_per_s:
        return Figure(
            key=key,
            label=label,
            value=None,
            unit="USD/M tokens",
            trace="no served throughput: cannot divide",
        )
    tokens_per_hour_m = tokens_per_s * C.SECONDS_PER_HOUR / C.TOKENS_PER_MILLION
    return Figure(
        key=key,
        label=label,
        value=per_hour / tokens_per_hour_m,
        unit="USD/M tokens",
        trace=(
            f"{usd(per_hour)}/h / ({num(tokens_per_s, 1)} output tokens/s served x 3,600 / 10^6 "
            f"= {num(tokens_per_hour_m, 3)} M tokens/h)"
        ),
    )


# --- Options -------------------------------------------------------------------------------------


def fleet_gpus(spec: SizedSpec) -> tuple[int, str]:
    """(GPUs paid for, the field it comes from): whole units bought or rented when the spec
    counts them (the same GPUs its power and racks count), else the GPUs the replicas use."""
    if spec.gpus_bought > 0:
        return spec.gpus_bought, "spec.gpus_bought"
    return spec.total_gpus, "spec.total_gpus"


def bought_gpus(spec: SizedSpec, gpu: GPU) -> tuple[int, str]:
    """GPUs the buy option pays for: whole purchase units (a rented spec may count smaller
    rental units, e.g. 4-GPU GB200 VMs against 72-GPU NVL72 racks bought)."""
    gpus, label = fleet_gpus(spec)
    unit = gpu.bought_in
    if spec.gpus_bought <= 0 or spec.unit_gpus == unit.gpus or spec.gpus_per_replica <= 0:
        return gpus, label
    from kickoff_tui.sizing.sizer import units_for

    # As the sizer packs them: each deployment (a variant without LoRA) in its own units, per site.
    deployments, sites = max(spec.deployments, 1), max(spec.sites, 1)
    units = deployments * sites * units_for(math.ceil(spec.replicas / deployments / sites),
                                            spec.gpus_per_replica, unit.gpus)
    return units * unit.gpus, f"{units} x {unit.name}"


def _rental_option(
    name: str,
    quote: PriceQuote,
    fleet: tuple[int, str],
    hours: float,
    horizon_years: int,
    staff_horizon: float,
    tokens_per_s: float | None,
) -> OptionCost:
    gpus, gpus_label = fleet
    rate = quote.usd_per_gpu_hour or 0.0
    per_hour = gpus * rate
    trace_hour = f"{gpus_label} {gpus} x {usd(rate)}/GPU-h [{quote.cite()}]"
    total = per_hour * hours
    caveat = ""
    if name == "spot":
        caveat = "spot capacity can be reclaimed at short notice: not for SLO-bound serving alone"
    if name == "capacity-block":
        caveat = "capacity blocks are reserved for fixed weeks, not a standing fleet price"
    return OptionCost(
        option=name,
        available=True,
        quote=quote,
        per_hour=Figure(
            key=f"{name}.per_hour",
            label=f"{name} per hour",
            value=per_hour,
            unit="USD/h",
            trace=trace_hour,
            assumed=quote.derived,
        ),
        per_month=Figure(
            key=f"{name}.per_month",
            label=f"{name} per month",
            value=per_hour * C.HOURS_PER_MONTH,
            unit="USD/month",
            trace=f"{usd(per_hour)}/h x {num(C.HOURS_PER_MONTH)} h/month",
            assumed=quote.derived,
        ),
        horizon_total=Figure(
            key=f"{name}.horizon",
            label=f"{name} over {horizon_years} years",
            value=total,
            unit="USD",
            trace=f"{usd(per_hour)}/h x {num(hours)} h ({horizon_years} x 8,760)",
            assumed=quote.derived,
        ),
        horizon_total_with_staff=Figure(
            key=f"{name}.horizon_with_staff",
            label=f"{name} incl. staff",
            value=total + staff_horizon,
            unit="USD",
            trace=f"{usd(total)} + staff {usd(staff_horizon)}",
            assumed=quote.derived,
        ),
        per_million_output_tokens=_per_million(
            per_hour, tokens_per_s, f"{name}.per_million",
            f"{name} GPU cost per million output tokens (before staff)"
        ),
        caveat=caveat,
    )


def _buy_option(
    quote: PriceQuote,
    spec: SizedSpec,
    gpu: GPU,
    overrides: CostOverrides,
    hours: float,
    horizon_years: int,
    staff_horizon: float,
    tokens_per_s: float | None,
    assumptions: list[str],
) -> OptionCost:
    gpus, gpus_label = bought_gpus(spec, gpu)
    price = quote.usd_per_gpu or 0.0
    years = overrides.depreciation_years
    years_origin = "session"
    if years is None:
        years = C.DEFAULT_DEPRECIATION_YEARS
        years_origin = "sizer's purchase amortisation"
        assumptions.append(f"depreciation over {num(years)} years (sizer's default)")
    kwh_price = overrides.power_usd_per_kwh
    kwh_origin = "session"
    power_assumed = False
    if kwh_price is None:
        kwh_price = C.DEFAULT_POWER_USD_PER_KWH
        kwh_origin = "Kickoff assumption, no source: enter your tariff"
        assumptions.append(f"electricity {usd(kwh_price)}/kWh (Kickoff assumption)")
        power_assumed = True
    pue = overrides.pue
    pue_origin = "session"
    if pue is None:
        pue = C.DEFAULT_PUE
        pue_origin = "sizer's default PUE"
        assumptions.append(f"PUE {num(pue)} (sizer's default for a modern hall)")
        power_assumed = True
    capex = gpus * price
    platform: Figure | None = None
    if not quote.includes_platform:
        platform = Figure(
            key="buy.platform",
            label="server platform share (card-only price)",
            value=gpus * C.SERVER_PLATFORM_USD_PER_GPU,
            unit="USD",
            trace=(
                f"{gpus_label} {gpus} x {usd(C.SERVER_PLATFORM_USD_PER_GPU)}/GPU for the host "
                "server, NICs and network share [Kickoff assumption: the catalog price is the "
                "card alone]"
            ),
            assumed=True,
        )
        capex += platform.value or 0.0
        assumptions.append(
            f"server platform {usd(C.SERVER_PLATFORM_USD_PER_GPU)}/GPU added to a card-only price"
        )
    capex_per_hour = capex / (years * C.HOURS_PER_YEAR)
    it_kw = spec.it_power_kw
    kw_origin = "spec.it_power_kw"
    if spec.typical_power_kw > 0:
        it_kw = spec.typical_power_kw
        kw_origin = f"spec.typical_power_kw (average draw: {spec.typical_power_source})"
    if it_kw <= 0 and spec.nodes and spec.node_power_kw:
        it_kw = spec.nodes * spec.node_power_kw
        kw_origin = f"spec.nodes {spec.nodes} x spec.node_power_kw {num(spec.node_power_kw)}"
    fleet = fleet_gpus(spec)[0]
    if fleet and gpus != fleet:  # bought in larger units than the spec rents: power them all
        it_kw *= gpus / fleet
        kw_origin += f" x {gpus} / {fleet} GPUs ({gpus_label})"
    power_per_hour = it_kw * pue * kwh_price
    per_hour = capex_per_hour + power_per_hour
    total = per_hour * hours
    cite = quote.cite()
    detail = [
        Figure(
            key="buy.capex",
            label="purchase (capex)",
            value=capex,
            unit="USD",
            trace=f"{gpus_label} {gpus} x {usd(price)}/GPU [{cite}]"
            + (f" + platform {usd(platform.value or 0.0)}" if platform is not None else ""),
            assumed=quote.estimate or platform is not None,
        ),
        *([platform] if platform is not None else []),
        Figure(
            key="buy.depreciation_per_year",
            label="depreciation per year",
            value=capex / years,
            unit="USD/year",
            trace=f"{usd(capex)} / {num(years)} years [{years_origin}]",
            assumed=quote.estimate,
        ),
        Figure(
            key="buy.power_per_month",
            label="power per month" + (" (at typical draw)" if spec.typical_power_kw > 0 else " (at maximum draw)"),
            value=power_per_hour * C.HOURS_PER_MONTH,
            unit="USD/month",
            trace=(
                f"{kw_origin} {num(it_kw)} kW x PUE {num(pue)} [{pue_origin}] x "
                f"{usd(kwh_price)}/kWh [{kwh_origin}] x {num(C.HOURS_PER_MONTH)} h"
            ),
            assumed=power_assumed,
        ),
    ]
    caveat = ("power priced at the average serving draw; feeds and racks are provisioned for the "
              "nameplate" if spec.typical_power_kw > 0 else "power priced at the nodes' maximum input (upper bound)")
    if years < horizon_years:
        caveat += f"; hardware written off in {num(years)} years, so the horizon includes a refresh"
    elif years > horizon_years:
        caveat += (f"; the {horizon_years}-year figure counts {horizon_years} of {num(years)} years of "
                   f"depreciation: {usd(capex * (1 - horizon_years / years))} of the {usd(capex)} outlay is "
                   "still on the books at the end")
    if quote.estimate:
        caveat += "; purchase price is a catalog estimate: get a quote for the whole system"
    return OptionCost(
        option="buy",
        available=True,
        quote=quote,
        per_hour=Figure(
            key="buy.per_hour",
            label="buy per hour (depreciation + power)",
            value=per_hour,
            unit="USD/h",
            trace=(
                f"{usd(capex)} / ({num(years)} years x 8,760 h) = {usd(capex_per_hour)}/h + power "
                f"{num(it_kw)} kW x {num(pue)} x {usd(kwh_price)}/kWh = {usd(power_per_hour)}/h"
            ),
            assumed=quote.estimate or power_assumed,
        ),
        per_month=Figure(
            key="buy.per_month",
            label="buy per month",
            value=per_hour * C.HOURS_PER_MONTH,
            unit="USD/month",
            trace=f"{usd(per_hour)}/h x {num(C.HOURS_PER_MONTH)} h/month",
            assumed=quote.estimate or power_assumed,
        ),
        horizon_total=Figure(
            key="buy.horizon",
            label=f"buy over {horizon_years} years",
            value=total,
            unit="USD",
            trace=(
                f"depreciation {usd(capex_per_hour * hours)} ({usd(capex)} x {horizon_years}/"
                f"{num(years)}) + power {usd(power_per_hour * hours)}"
            ),
            assumed=quote.estimate or power_assumed,
        ),
        horizon_total_with_staff=Figure(
            key="buy.horizon_with_staff",
            label="buy incl. staff",
            value=total + staff_horizon,
            unit="USD",
            trace=f"{usd(total)} + staff {usd(staff_horizon)}",
            assumed=quote.estimate or power_assumed,
        ),
        per_million_output_tokens=_per_million(
            per_hour, tokens_per_s, "buy.per_million",
            "buy GPU cost per million output tokens (before staff)"
        ),
        detail=detail,
        caveat=caveat,
    )


def _break_even(option: OptionCost, on_demand: OptionCost | None) -> Figure | None:
    if (
        on_demand is None
        or option.horizon_total is None
        or on_demand.horizon_total is None
        or not on_demand.horizon_total.value
        or option.option in ("on-demand", "spot")
    ):
        return None
    value = (option.horizon_total.value or 0.0) / on_demand.horizon_total.value
    return Figure(
        key=f"{option.option}.break_even",
        label=f"{option.option} break-even utilisation",
        value=value,
        unit="%",
        trace=(
            f"{option.option} {usd(option.horizon_total.value)} / on-demand at 100% "
            f"{usd(on_demand.horizon_total.value)} = {pct(value, 1)}: "
            + (
                "never cheaper than on-demand"
                if value >= 1
                else f"cheaper than on-demand when the fleet is busy more than {pct(value)} of hours"
            )
        ),
        assumed=option.horizon_total.assumed or on_demand.horizon_total.assumed,
    )


def _managed_api(
    inputs: SizingInputs,
    spec: SizedSpec,
    overrides: CostOverrides,
    served: Figure,
    self_hosted: OptionCost,
    staff_month: float,
) -> list[Figure]:
    out_price = overrides.managed_api_usd_per_million_output_tokens
    if out_price is None:
        return []
    in_price = overrides.managed_api_usd_per_million_input_tokens or 0.0
    name = overrides.managed_api_name or "managed API"
    ratio = spec.avg_input_tokens / spec.avg_output_tokens if spec.avg_output_tokens else 0.0
    blended = out_price + in_price * ratio
    figures = [
        Figure(
            key="managed.per_million",
            label=f"{name} per million output tokens",
            value=blended,
            unit="USD/M tokens",
            trace=(
                f"{usd(out_price)} output + {usd(in_price)} input x (spec.avg_input_tokens "
                f"{spec.avg_input_tokens} / spec.avg_output_tokens {spec.avg_output_tokens}) "
                f"[session prices]"
            ),
        )
    ]
    if served.value:
        tokens_month_m = (
            served.value * C.SECONDS_PER_HOUR * C.HOURS_PER_MONTH / C.TOKENS_PER_MILLION
        )
        monthly = tokens_month_m * blended
        figures.append(
            Figure(
                key="managed.per_month",
                label=f"{name} per month at the same traffic",
                value=monthly,
                unit="USD/month",
                trace=(
                    f"{num(served.value, 1)} output tokens/s x 3,600 x {num(C.HOURS_PER_MONTH)} h "
                    f"= {num(tokens_month_m, 1)} M tokens x {usd(blended)}"
                ),
            )
        )
        own = (self_hosted.per_month.value or 0.0) + staff_month if self_hosted.per_month else None
        if own is not None:
            figures.append(
                Figure(
                    key="managed.difference",
                    label=f"self-hosted ({self_hosted.option}) minus {name}",
                    value=own - monthly,
                    unit="USD/month",
                    trace=(
                        f"{usd(self_hosted.per_month.value if self_hosted.per_month else None)} "
                        f"+ staff {usd(staff_month)} - {usd(monthly)}"
                        + (
                            " (negative: self-hosting is cheaper)"
                            if own < monthly
                            else " (positive: the API is cheaper)"
                        )
                    ),
                )
            )
    return figures


def cost_report(
    spec: SizedSpec,
    inputs: SizingInputs,
    overrides: CostOverrides | None = None,
    gpu: GPU | None = None,
) -> CostReport:
    """Price the sized fleet every way the catalog and the session allow."""
    from kickoff_tui.catalog import get_gpu

    overrides = overrides or CostOverrides()
    gpu = gpu or get_gpu(spec.gpu)
    horizon = overrides.horizon_years or C.DEFAULT_HORIZON_YEARS
    hours = horizon * C.HOURS_PER_YEAR
    assumptions: list[str] = []
    warnings: list[str] = []
    quotes = quote_prices(gpu, overrides, spec.price_basis, spec.price_usd_per_gpu_hour)
    for quote in quotes.values():
        if quote.derived:
            assumptions.append(f"{quote.basis} price derived: {quote.source}")
    util = utilisation(spec, inputs, overrides)
    if util.assumed:
        assumptions.append(f"utilisation: {util.trace}")
    served = served_tokens(spec, util)
    eng, staff_month, staff_horizon = staff(fleet_gpus(spec)[0], overrides, horizon)
    if overrides.ops_engineers_per_100_gpus is None or overrides.ops_engineer_usd_per_year is None:
        assumptions.append("operations staff from the GPU procurement guide's rules of thumb")
    options: list[OptionCost] = []
    for basis in RENTAL_BASES:
        name = OPTION_FOR_BASIS[basis]
        quote = quotes.get(basis)
        if quote is None or quote.usd_per_gpu_hour is None:
            if basis in ("spot", "capacity-block"):
                continue  # not offered for this SKU: omitted rather than listed empty
            options.append(
                OptionCost(
                    option=name, available=False, reason=f"no {basis} price for {gpu.id}: enter one"
                )
            )
            continue
        options.append(
            _rental_option(
                name,
                quote,
                fleet_gpus(spec),
                hours,
                horizon,
                staff_horizon.value or 0.0,
                served.value,
            )
        )
    purchase = quotes.get("purchase")
    if purchase is None or purchase.usd_per_gpu is None:
        options.append(
            OptionCost(
                option="buy", available=False, reason=f"no purchase price for {gpu.id}: enter one"
            )
        )
    else:
        options.append(
            _buy_option(
                purchase,
                spec,
                gpu,
                overrides,
                hours,
                horizon,
                staff_horizon.value or 0.0,
                served.value,
                assumptions,
            )
        )
    on_demand = next((o for o in options if o.option == "on-demand" and o.available), None)
    for opt in options:
        if opt.available:
            opt.break_even_utilisation = _break_even(opt, on_demand)
    chosen = OPTION_FOR_BASIS.get(
        spec.price_basis or inputs.price_basis or "on-demand", "on-demand"
    )
    if not any(o.option == chosen and o.available for o in options):
        fallback = next((o.option for o in options if o.available), chosen)
        if fallback != chosen:
            warnings.append(
                f"no {chosen} price for {gpu.id}; showing {fallback} as the chosen basis"
            )
        chosen = fallback
    priced = [o for o in options if o.available and o.option != "spot" and o.horizon_total]
    cheapest = min(priced, key=lambda o: o.horizon_total.value or 0.0).option if priced else ""
    if util.value is not None and util.value < C.TARGET_UTILISATION_RANGE[0]:
        warnings.append(
            f"average utilisation {pct(util.value)} is below the {pct(C.TARGET_UTILISATION_RANGE[0])}"
            f"-{pct(C.TARGET_UTILISATION_RANGE[1])} target (GPU procurement guide): the fleet idles; autoscaled "
            "on-demand capacity or a smaller headroom may cost less"
        )
    if any(q.estimate for q in quotes.values()):
        warnings.append("some prices are catalog estimates, not list prices: get a quote")
    chosen_opt = next((o for o in options if o.option == chosen), None)
    managed = (
        _managed_api(inputs, spec, overrides, served, chosen_opt, staff_month.value or 0.0)
        if chosen_opt is not None and chosen_opt.available
        else []
    )
    at_peak = None
    peak = peak_tokens(spec)
    if chosen_opt is not None and chosen_opt.per_hour is not None and peak:
        at_peak = _per_million(
            chosen_opt.per_hour.value or 0.0,
            peak,
            "per_million_at_peak",
            f"{chosen} per million output tokens at peak traffic",
        )
        at_peak = at_peak.model_copy(
            update={
                "trace": at_peak.trace.replace(
                    "output tokens/s served",
                    "output tokens/s at the peak (served in-flight / spec.tpot_ms)",
                )
            }
        )
    report = CostReport(
        per_million_at_peak=at_peak,
        gpu=gpu.id,
        gpu_name=gpu.name,
        total_gpus=fleet_gpus(spec)[0],
        horizon_years=horizon,
        chosen_option=chosen,
        quotes=list(quotes.values()),
        options=options,
        utilisation=util,
        served_tokens_per_s=served,
        staff_engineers=eng,
        staff_per_month=staff_month,
        staff_horizon=staff_horizon,
        managed_api=managed,
        cheapest_option=cheapest,
        assumptions=list(dict.fromkeys(assumptions)),
        warnings=warnings,
    )
    headline_cost(report, spec, overrides)
    return report


def input_tokens(spec: SizedSpec, served: Figure) -> Figure:
    """Average input tokens/s served alongside ``served`` output tokens/s (every prompt token
    counts, cached or not, as an API bills them)."""
    if served.value is None or not spec.avg_output_tokens:
        return Figure(key="input_tokens_per_s", label="average input tokens/s served", value=None,
                      unit="tokens/s", trace="no served throughput")
    ratio = spec.avg_input_tokens / spec.avg_output_tokens
    return Figure(
        key="input_tokens_per_s",
        label="average input tokens/s served",
        value=served.value * ratio,
        unit="tokens/s",
        trace=(
            f"{num(served.value, 1)} output tokens/s x (spec.avg_input_tokens {spec.avg_input_tokens} / "
            f"spec.avg_output_tokens {spec.avg_output_tokens})"
        ),
        assumed=served.assumed,
    )


def headline_cost(report: CostReport, spec: SizedSpec, overrides: CostOverrides) -> None:
    """Fill the one monthly cost and the cost per million tokens (input + output, and output
    only) at the average load, staff included; and each option's GPU cost per million tokens."""
    served = report.served_tokens_per_s
    inp = input_tokens(spec, served)
    report.input_tokens_per_s = inp
    both = (served.value or 0.0) + (inp.value or 0.0)
    for opt in report.options:
        if opt.available and opt.per_hour is not None and opt.per_hour.value is not None:
            fig = _per_million(opt.per_hour.value, both or None, f"{opt.option}.per_million_tokens",
                               f"{opt.option} GPU cost per million tokens, input + output (before staff)")
            opt.per_million_tokens = fig.model_copy(update={"trace": fig.trace.replace(
                "output tokens/s served", "input + output tokens/s served")})
    month = monthly_cost(report, overrides)
    report.monthly_basis = month.basis
    if month.value is None:
        return
    at = f"at the average load ({pct(report.utilisation.value, 1)} utilisation)" \
        if report.utilisation.value is not None else "at the average load"
    report.monthly = Figure(
        key="monthly",
        label=f"cost per month ({month.basis})",
        value=month.value,
        unit="USD/month",
        trace=(
            f"{report.chosen_option} {usd(report.chosen.per_month.value if report.chosen.per_month else None)}"
            f"/month + operations staff {usd(report.staff_per_month.value)}/month"
        ),
        assumed=month.assumed,
    )
    per_month_m = C.HOURS_PER_MONTH * C.SECONDS_PER_HOUR / C.TOKENS_PER_MILLION

    def per_million(key: str, what: str, counted: str, rate: float, rate_text: str) -> Figure:
        tokens = rate * per_month_m
        return Figure(
            key=key,
            label=f"cost per million {what} ({month.basis}, {at})",
            value=month.value / tokens,
            unit="USD/M tokens",
            trace=(f"{usd(month.value)}/month / ({rate_text} x 3,600 x {num(C.HOURS_PER_MONTH)} h / 10^6 = "
                   f"{num(tokens, 1)} M {counted}/month)"),
            assumed=month.assumed or served.assumed,
        )

    if both > 0:
        report.per_million_tokens = per_million(
            "per_million_tokens", "tokens, input + output", "tokens", both,
            f"({num(served.value, 1)} output + {num(inp.value, 1)} input tokens/s)")
    if served.value:
        report.per_million_output_tokens = per_million(
            "per_million_output_tokens", "output tokens", "output tokens", served.value,
            f"{num(served.value, 1)} output tokens/s")

# --- The one monthly figure -----------------------------------------------------------------------

RENT_WORDS: dict[str, str] = {
    "on-demand": "on-demand rent",
    "reserved-1y": "1-year reserved rent",
    "reserved-3y": "3-year reserved rent",
    "spot": "spot rent",
    "capacity-block": "capacity-block rent",
}
"""How each rented option is named next to its monthly figure."""


class MonthlyCost(BaseModel):
    """What the fleet costs a month on the spec's price basis, staff included, and that basis
    in words. Every screen and export that shows "cost per month" shows this figure."""

    model_config = ConfigDict(extra="forbid")

    value: float | None
    """USD a month (None when the basis cannot be priced)."""
    basis: str
    """E.g. "buy, 4-year depreciation, incl. power and staff" or "on-demand rent, incl. staff"."""
    assumed: bool = False
    """Rests on a Kickoff default (a catalog price, the staffing ratio) rather than a quote."""


def monthly_cost(report: CostReport, overrides: CostOverrides | None = None) -> MonthlyCost:
    """The chosen option's cost per month plus the operations staff, with its basis named."""
    option = report.chosen
    if not option.available or option.per_month is None:
        return MonthlyCost(value=None, basis=f"{option.option}: {option.reason or 'no price'}")
    if option.option == "buy":
        years = (overrides.depreciation_years if overrides is not None else None) \
            or C.DEFAULT_DEPRECIATION_YEARS
        basis = f"buy, {num(years)}-year depreciation, incl. power and staff"
    else:
        basis = f"{RENT_WORDS.get(option.option, option.option)}, incl. staff"
    return MonthlyCost(
        value=option.per_month.value + report.staff_per_month.value,
        basis=basis,
        assumed=bool(option.per_month.assumed or report.staff_per_month.assumed),
    )


def spec_monthly_cost(
    spec: SizedSpec, inputs: SizingInputs, overrides: CostOverrides | None = None
) -> MonthlyCost | None:
    """:func:`monthly_cost` of a sized spec (None when it cannot be priced: infeasible, no GPU)."""
    if not spec.feasible or spec.total_gpus <= 0:
        return None
    from kickoff_tui.errors import KickoffError

    try:
        return monthly_cost(cost_report(spec, inputs, overrides), overrides)
    except (KickoffError, KeyError, ValueError):  # no price for this GPU or basis
        return None
