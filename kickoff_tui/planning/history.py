"""Growth from history: monthly request counts -> a fitted growth rate with its uncertainty.

Fit (ordinary least squares on the log of the counts, pure Python)::

    ln(requests_t) = a + b t          t = 0, 1, ..., n-1 (months, oldest first)
    monthly growth  = e^b - 1
    se(b)           = sqrt( SSE / (n - 2) / Sxx ),  Sxx = sum (t - mean t)^2
    80% interval    = e^(b -/+ t(0.90, n-2) se(b)) - 1

A log-linear fit is the compound-growth model the growth section already projects with; its
residual scatter says how far to trust it. At least three months are needed for an uncertainty.
"""

from __future__ import annotations

import csv
import itertools
import io
import math
import re

from pydantic import BaseModel, ConfigDict

MIN_MONTHS = 3
"""Two points always fit a line exactly; the third is the first that can disagree."""

MAX_FITTED_MONTHLY_RATE = 10.0
"""Fastest fitted growth a history may show: +1,000% a month (x11 each month, x3e12 in a year).
Beyond it the counts are a typo or a unit change, not a trend a fleet is planned on; a launch
ramp of x3-x5 a month still fits."""

MAX_INTERVAL_EXPONENT = 700.0
"""Largest exponent taken for the interval's ends (e^700 ~ 1e304, just below float overflow)."""

T_90: dict[int, float] = {
    1: 3.078, 2: 1.886, 3: 1.638, 4: 1.533, 5: 1.476, 6: 1.440, 7: 1.415, 8: 1.397, 9: 1.383,
    10: 1.372, 11: 1.363, 12: 1.356, 13: 1.350, 14: 1.345, 15: 1.341, 16: 1.337, 17: 1.333,
    18: 1.330, 19: 1.328, 20: 1.325, 21: 1.323, 22: 1.321, 23: 1.319, 24: 1.318, 25: 1.316,
    26: 1.315, 27: 1.314, 28: 1.313, 29: 1.311, 30: 1.310, 40: 1.303, 60: 1.296, 120: 1.289,
}
"""Upper 10% critical values of Student's t by degrees of freedom (two-sided 80% interval).
Source: NIST/SEMATECH e-Handbook of Statistical Methods, "Critical values of the Student's t
distribution" (section 1.3.6.7.2)."""
Z_90 = 1.282
"""The normal quantile the t values approach beyond 120 degrees of freedom (same table)."""

MONTH_RE = re.compile(r"(\d{4})-(\d{2})")
MAX_CSV_ROWS = 10_000


def t_quantile_90(df: int) -> float:
    """t(0.90, df); between tabulated values the next smaller df (a slightly wider interval)."""
    if df < 1:
        raise ValueError("a t quantile needs at least one degree of freedom")
    if df in T_90:
        return T_90[df]
    if df > max(T_90):
        return Z_90
    return T_90[max(k for k in T_90 if k < df)]


class GrowthFit(BaseModel):
    """A log-linear growth fit to monthly request counts."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    months: int
    """Months used in the fit (after leading zero months are dropped)."""
    monthly_rate: float
    """Fitted compound monthly growth, fraction (0.05 = +5% a month)."""
    rate_low: float
    """Lower end of the 80% interval of the monthly rate."""
    rate_high: float
    slope: float
    """b: the growth of ln(requests) per month."""
    slope_se: float
    """Standard error of b."""
    r_squared: float
    current_level: float
    """The fitted count for the latest month (the base growth is projected from)."""
    dropped_leading_zeros: int = 0

    def describe(self) -> str:
        return (f"{self.monthly_rate:+.1%} a month (80% interval {self.rate_low:+.1%} to "
                f"{self.rate_high:+.1%}; {self.months} months, R^2 {self.r_squared:.2f})")


def fit_growth(counts: list[float]) -> GrowthFit:
    """Least-squares fit of ln(counts) against the month. Raises ValueError on unusable data."""
    values = [float(c) for c in counts]
    if any(not math.isfinite(v) or v < 0 for v in values):
        raise ValueError("monthly request counts must be finite and not negative")
    lead = 0
    while lead < len(values) and values[lead] == 0:
        lead += 1
    values = values[lead:]
    if len(values) < MIN_MONTHS:
        raise ValueError(f"a growth fit needs at least {MIN_MONTHS} months with requests "
                         f"(got {len(values)})")
    if any(v == 0 for v in values):
        raise ValueError("a month with no requests after the first one cannot be fitted on a log "
                         "scale: leave the gap out or give a typed monthly rate instead")
    n = len(values)
    ys = [math.log(v) for v in values]
    t_mean = (n - 1) / 2
    y_mean = sum(ys) / n
    sxx = sum((t - t_mean) ** 2 for t in range(n))
    sxy = sum((t - t_mean) * (y - y_mean) for t, y in enumerate(ys))
    b = sxy / sxx
    a = y_mean - b * t_mean
    sse = sum((y - (a + b * t)) ** 2 for t, y in enumerate(ys))
    syy = sum((y - y_mean) ** 2 for y in ys)
    se = math.sqrt(sse / (n - 2) / sxx)
    half = t_quantile_90(n - 2) * se
    r2 = 1.0 - sse / syy if syy > 0 else 1.0
    if b > math.log1p(MAX_FITTED_MONTHLY_RATE):
        raise ValueError(f"the history grows faster than {MAX_FITTED_MONTHLY_RATE:+,.0%} a month (fitted: "
                         f"x{math.exp(min(b, 30)):,.0f} a month), beyond any fleet plan: check the counts, "
                         "or give a typed monthly rate instead")
    return GrowthFit(
        months=n, monthly_rate=math.expm1(b), rate_low=math.expm1(b - half),
        rate_high=math.expm1(min(b + half, MAX_INTERVAL_EXPONENT)), slope=b, slope_se=se, r_squared=max(0.0, min(1.0, r2)),
        current_level=math.exp(a + b * (n - 1)), dropped_leading_zeros=lead,
    )


def months_until(capacity_multiplier: float, monthly_rate: float, horizon: int = 120) -> int | None:
    """First month (1, 2, ...) whose traffic, growing at ``monthly_rate``, exceeds
    ``capacity_multiplier`` x today's; 0 when today's already does; None when not within
    ``horizon`` months (or the traffic does not grow)."""
    if capacity_multiplier < 1:
        return 0
    if monthly_rate <= 0:
        return None
    month = math.floor(math.log(capacity_multiplier) / math.log1p(monthly_rate)) + 1
    return month if month <= horizon else None


def parse_history_csv(text: str) -> list[float]:
    """Monthly request counts from CSV text, oldest first.

    One number per row, or ``month,requests`` rows (a header row is allowed; ``#`` starts a
    comment). Months written ``YYYY-MM`` must follow each other without gaps."""
    rows = []
    try:
        reader = csv.reader(io.StringIO(text))
        for i, row in enumerate(reader):
            if i > MAX_CSV_ROWS:
                raise ValueError(f"more than {MAX_CSV_ROWS} rows")
            cells = [c.strip() for c in row]
            if not cells or not any(cells) or cells[0].startswith("#"):
                continue
            rows.append(cells)
    except csv.Error as err:
        raise ValueError(f"not a readable CSV ({err})") from None
    if rows and not _is_number(rows[0][-1] if len(rows[0]) == 1 else rows[0][1]):
        rows = rows[1:]  # header
    counts: list[float] = []
    months: list[tuple[int, int]] = []
    for line, cells in enumerate(rows, start=1):
        if len(cells) > 2:
            raise ValueError(f"row {line}: expected 'requests' or 'month,requests'")
        raw = cells[-1] if len(cells) == 1 else cells[1]
        if not _is_number(raw):
            raise ValueError(f"row {line}: the request count is not a number")
        value = float(raw.replace("_", ""))
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"row {line}: the request count must be finite and not negative")
        counts.append(value)
        if len(cells) == 2:
            match = MONTH_RE.fullmatch(cells[0])
            if match:
                months.append((int(match.group(1)), int(match.group(2))))
    if months and len(months) == len(counts):
        for (y0, m0), (y1, m1) in itertools.pairwise(months):
            if (y1 * 12 + m1) - (y0 * 12 + m0) != 1:
                raise ValueError(f"months must follow each other: {y0}-{m0:02d} then {y1}-{m1:02d}")
    if not counts:
        raise ValueError("no request counts found")
    return counts


def _is_number(text: str) -> bool:
    try:
        float(text.replace("_", ""))
    except ValueError:
        return False
    return True


# ----------------------------------------------------------------------------------------------
# a portfolio's growth
# ----------------------------------------------------------------------------------------------

DEFAULT_HORIZON_MONTHS = 24
"""How far the portfolio's growth projection looks ahead unless the file says otherwise."""


class WorkloadGrowth(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    fit: GrowthFit | None = None
    problem: str = ""
    """Why there is no fit (no history, too few months...)."""
    capacity_multiplier: float | None = None
    outgrows_month: int | None = None
    """At the fitted rate: the first month its load + headroom replicas are not enough."""
    outgrows_earliest: int | None = None
    """At the top of the 80% interval."""
    outgrows_latest: int | None = None
    """At the bottom of the 80% interval (None: not within the horizon)."""


class PortfolioGrowth(BaseModel):
    model_config = ConfigDict(extra="forbid")

    horizon_months: int
    workloads: list[WorkloadGrowth]
    fleet_outgrows_month: int | None = None
    fleet_outgrows_earliest: int | None = None
    fleet_outgrows_latest: int | None = None
    notes: list[str] = []


def portfolio_growth(demands, spec, histories, horizon: int = DEFAULT_HORIZON_MONTHS,
                     sizings=None) -> PortfolioGrowth | None:
    """Fit each workload's history and find when it (and the shared fleet) outgrows capacity.

    ``histories[w]`` is the monthly request counts of workload ``w`` (None: no history, its
    traffic is held flat). Returns None when no workload has a history."""
    from kickoff_tui.sizing.portfolio import fleet_outgrows

    if not any(histories) or spec.fleet is None:
        return None
    rows: list[WorkloadGrowth] = []
    central: list[float] = []
    low: list[float] = []
    high: list[float] = []
    by_name = {w.name: w for w in spec.workloads}
    for demand, counts in zip(demands, histories, strict=True):
        sizing = by_name.get(demand.name)
        multiplier = sizing.capacity_multiplier if sizing else None
        row = WorkloadGrowth(name=demand.name, capacity_multiplier=multiplier)
        fit = None
        if counts:
            try:
                fit = fit_growth(counts)
            except ValueError as err:
                row.problem = str(err)
        else:
            row.problem = "no history: traffic held flat"
        if fit is not None:
            row.fit = fit
            if multiplier is not None:
                row.outgrows_month = months_until(multiplier, fit.monthly_rate, horizon)
                row.outgrows_earliest = months_until(multiplier, fit.rate_high, horizon)
                row.outgrows_latest = months_until(multiplier, fit.rate_low, horizon)
        central.append(fit.monthly_rate if fit else 0.0)
        high.append(fit.rate_high if fit else 0.0)
        low.append(fit.rate_low if fit else 0.0)
        rows.append(row)
    report = PortfolioGrowth(horizon_months=horizon, workloads=rows)
    report.fleet_outgrows_month = fleet_outgrows(demands, spec, central, horizon, sizings)
    report.fleet_outgrows_earliest = fleet_outgrows(demands, spec, high, horizon, sizings)
    report.fleet_outgrows_latest = fleet_outgrows(demands, spec, low, horizon, sizings)
    if any(r.problem for r in rows):
        report.notes.append("workloads without a usable history are held at today's traffic")
    return report
