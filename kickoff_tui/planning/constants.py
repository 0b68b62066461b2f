"""Every constant the planning layer uses, each with where it comes from.

"seed 003" is the procurement / business-case guide in ``shared/seeds`` (sections named below);
"seed 002" is the infrastructure-planning guide. A value marked *Kickoff assumption* has no
published source in Kickoff's references: the output marks every figure built on it as assumed,
and the meeting is expected to replace it with its own number (``CostOverrides``).
"""

from __future__ import annotations

from kickoff_tui.sizing import constants as _sizing

# --- Calendar ------------------------------------------------------------------------------------

HOURS_PER_YEAR = 8760.0
"""365 days x 24 hours (definition; leap days ignored)."""

MONTHS_PER_YEAR = 12
"""Definition."""

HOURS_PER_MONTH = _sizing.HOURS_PER_MONTH
"""730 hours (8,760 / 12): shared with the sizer so monthly figures agree with the spec."""

SECONDS_PER_HOUR = 3600.0
"""Definition."""

TOKENS_PER_MILLION = 1_000_000.0
"""Prices per token are quoted per million tokens."""

# --- Cost model ----------------------------------------------------------------------------------

DEFAULT_HORIZON_YEARS = 3
"""Length of the rent-vs-reserved-vs-buy comparison. Seed 003, "Cost Modeling": "Build detailed
cost forecast for 3 years"."""

ANNUAL_COMMIT_DISCOUNT = _sizing.COMMITMENT_DISCOUNT["reserved-1y"]
"""Discount off on-demand for a 1-year commitment when no reserved-1y price is known (0.25, the
sizer's constant). Seed 003, "Contract Negotiation": "Annual commitment: 20-30% discount"."""

ANNUAL_COMMIT_DISCOUNT_RANGE = (0.20, 0.30)
"""The published range behind ``ANNUAL_COMMIT_DISCOUNT`` (shown next to derived prices)."""

MULTI_YEAR_COMMIT_DISCOUNT = _sizing.COMMITMENT_DISCOUNT["reserved-3y"]
"""Discount off on-demand for a 3-year commitment when no reserved-3y price is known (0.40, the
sizer's constant). Seed 003, "Contract Negotiation": "Multi-year: 30-50% discount"."""

MULTI_YEAR_COMMIT_DISCOUNT_RANGE = (0.30, 0.50)
"""The published range behind ``MULTI_YEAR_COMMIT_DISCOUNT``."""

SPOT_DISCOUNT = _sizing.COMMITMENT_DISCOUNT["spot"]
"""Discount off on-demand for spot capacity when no spot price is known: the sizer's constant
(roughly 60% off list on the large clouds; capacity can be reclaimed)."""

DEFAULT_DEPRECIATION_YEARS = _sizing.PURCHASE_AMORTISATION_YEARS
"""Straight-line depreciation of purchased hardware, and the hardware life the business case's
payback is checked against: the sizer's purchase amortisation (4 years; typical 3-5 year
depreciation of data-centre GPUs), so a "purchase" spec and the buy option agree."""

DEFAULT_POWER_USD_PER_KWH = 0.10
"""Electricity price for owned hardware. Kickoff assumption (no source in the references): a
round industrial-tariff placeholder. Enter the facility's rate; figures built on it say so."""

DEFAULT_PUE = _sizing.PUE_DEFAULT
"""Power usage effectiveness (facility power / IT power) for owned hardware: the sizer's default
(1.3, a modern AI-ready hall; Uptime Institute's 2023 global average is 1.58)."""

OPS_ENGINEERS_PER_100_GPUS = 1.5
"""MLOps / platform staff needed to run the fleet, rented or owned. Seed 003, FAQ "What's the
right team size": "1-2 MLOps engineers per 100 GPUs" (midpoint). Counted as a fraction of a
person for small fleets (a shared team)."""

OPS_ENGINEER_USD_PER_YEAR = 200_000.0
"""Fully loaded cost of one such engineer. Seed 003, "Cost Modeling", small deployment:
"Personnel (2 ML engineers): $400k/year"."""

TARGET_UTILISATION_RANGE = (0.70, 0.90)
"""Healthy average GPU utilisation. Seed 003, "Monitoring and Governance": "GPU utilization
(target 70-90%)". Below the low end the output warns that the fleet idles."""

# --- Business case -------------------------------------------------------------------------------

ROI_MIN_MULTIPLE = 3.0
"""Seed 003, "Building the Business Case": "Valid business case requires 3-5x ROI or 6-12 month
payback" (the low end of the ROI range)."""

PAYBACK_MAX_MONTHS = 12.0
"""Same sentence, the long end of the payback range."""

# --- Growth --------------------------------------------------------------------------------------

GROWTH_SCENARIOS: tuple[tuple[str, float], ...] = (
    ("conservative +50%", 1.5),
    ("middle +100%", 2.0),
    ("aggressive 3x", 3.0),
)
"""Traffic multipliers to size for. Seed 003, "Capacity Planning": "Conservative approach: Plan
for current + 50% growth. Aggressive approach: Plan for 3x growth. Middle ground: Plan for
current + 100% growth"."""

DEFAULT_GROWTH_MONTHS = 36
"""Months the growth projection covers: the same 3 years as the cost horizon (seed 003)."""

EXPECTED_GROWTH_HORIZON_MONTHS = 12
"""When the meeting states the growth it expects (``SizingInputs.expected_growth``) but no
monthly rate, the growth is assumed to arrive over this many months. Seed 002, "Forecast Future
Growth": "Project your AI workload growth over the next 12-24 months" (the short end, so the
projection errs towards running out early)."""

# --- Sensitivity ---------------------------------------------------------------------------------

SENSITIVITY_STEP = 0.5
"""Each numeric input is moved by -50% and +50% (issue 6, "Sensitivity")."""

# --- Operations (alert rules, autoscaler) --------------------------------------------------------

HPA_TARGET_FRACTION = 0.8
"""The autoscaler aims at this share of the sized per-replica concurrency, so it adds a replica
before the SLO point is reached. Midpoint of seed 003's 70-90% utilisation target."""

KV_CACHE_NEAR_FULL = 0.90
"""KV-cache usage that raises the "GPU memory near full" alert. Kickoff choice: the engines
preempt (and recompute) requests once the cache is full; 0.9 warns one step earlier."""

FRAMEBUFFER_MARGIN = 0.05
"""DCGM framebuffer alert fires when used memory exceeds the engine's configured share
(``gpu_memory_utilization``) by this much: something besides the engine is using the GPU.
Kickoff choice (the engines preallocate their share, so "memory used" near that share is normal)."""

ALERT_RATE_WINDOW = "5m"
"""Window of the rate() over latency histograms. Kickoff choice: Prometheus' usual scrape of
15-30 s gives 10-20 points per window."""

ALERT_FOR_LATENCY = "10m"
"""How long a latency SLO must be breached before the alert fires (two windows: one slow batch
does not page anyone). Kickoff choice."""

ALERT_FOR_SATURATION = "5m"
"""Same for queue depth and memory alerts. Kickoff choice."""

MS_PER_S = 1000.0
"""Definition."""


SERVER_PLATFORM_USD_PER_GPU = 12_500.0
"""Per-GPU share of what a card-only price leaves out: host CPUs, memory, NICs, chassis, power
supplies and a share of the cluster network. Reported 8-GPU system prices (DGX/HGX H100 around
$300-400k against ~$25-40k per module) put the non-GPU part near $100k per 8-GPU node. Kickoff
assumption; replace it with a quote for the whole system."""
