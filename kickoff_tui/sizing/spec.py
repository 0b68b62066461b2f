"""Outputs of the sizing core: the sized spec, its explanations and the SKU comparison."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Bound = Literal["memory", "tpot", "ttft", "load", "power", "redundancy", "headroom", "none"]


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Assumption(_Out):
    """An input the meeting has not answered, replaced by a stated default."""

    field: str
    value: str
    reason: str


def layout_text(tp: int, pp: int = 1, ep: int = 1, dp_attention: bool = False) -> str:
    """``TP8``, ``TP8 x PP2``, ``TP8, EP8, DP attention``: how one replica splits the model."""
    text = f"TP{tp}" + (f" x PP{pp}" if pp > 1 else "")
    if ep > 1:
        text += f", EP{ep}"
    return text + (", DP attention" if dp_attention else "")


def short_layout(layout: str) -> str:
    """:func:`layout_text` for a narrow column: ``TP8 EP8 DP-attn``."""
    return layout.replace(", ", " ").replace("DP attention", "DP-attn")


class SkuOption(_Out):
    """One SKU sized for the same workload (a row of the comparison table)."""

    gpu: str
    gpu_name: str
    fits: bool
    reason: str = ""
    """Why it cannot meet the SLO (or does not fit at all); empty when it can."""
    engine: str = ""
    """Engine profile this row was sized with: the answered engine in this SKU vendor's build
    (SGLang on an AMD row is SGLang on ROCm); empty where no build runs on the part."""
    tensor_parallel: int = 0
    pipeline_parallel: int = 1
    expert_parallel: int = 1
    dp_attention: bool = False
    concurrency_per_replica: int = 0
    replicas: int = 0
    total_gpus: int = 0
    nodes: int = 0
    it_power_kw: float = 0.0
    cost_per_month: float | None = None
    tpot_ms: float | None = None
    ttft_ms: float | None = None
    price_is_estimate: bool = False

    @property
    def layout(self) -> str:
        """How one replica splits the model (:func:`layout_text`); empty when nothing fits."""
        if not self.tensor_parallel:
            return ""
        return layout_text(self.tensor_parallel, self.pipeline_parallel, self.expert_parallel, self.dp_attention)


class PhysicalLimits(_Out):
    """Best latency any catalog SKU reaches for this model at batch 1 (a floor for SLOs)."""

    best_tpot_ms: float
    best_tpot_gpu: str
    best_ttft_ms: float
    best_ttft_gpu: str
    prefill_tokens: int = 0
    """Prompt tokens each request prefills (after prefix-cache hits): what sets the TTFT floor."""
    prefill_input: str = "avg_input_tokens"
    """The input that sets ``prefill_tokens`` (``avg_input_tokens``, or ``size_for_max_context``)."""


class SizedSpec(_Out):
    """The first artifact of the kickoff: hardware that meets the agreed inputs, and why."""

    feasible: bool
    infeasible_reason: str = ""
    model: str
    model_name: str
    gpu: str
    gpu_name: str
    precision: str
    kv_precision: str
    weight_only: bool = False
    """True when the SKU lacks native math for the precision (weights dequantised on the fly)."""
    use_case: str
    avg_input_tokens: int
    avg_output_tokens: int
    sized_context_tokens: int
    """Context each sequence is sized for (average, or the max when sizing to the max)."""
    peak_concurrency: int
    """The DESIGN load: requests in flight the spec is sized for (stated peak x burst)."""
    concurrency_note: str = ""
    """How peak in-flight requests were obtained (given, or Little's law from users / RPS)."""
    stated_concurrency: int = 0
    """In-flight requests as stated (or derived by Little's law), before the burst."""
    burst_factor: float = 1.0
    burst_included: bool = False
    average_concurrency: float = 0.0
    """Average in-flight requests: what the cost per token is priced at."""
    load_note: str = ""
    """Design and average load in words ("400 in flight = 200 x burst 2; average 200")."""
    ttft_target_ms: float
    tpot_target_ms: float
    slo_percentile: str

    tensor_parallel: int = 0
    pipeline_parallel: int = 1
    expert_parallel: int = 1
    """MoE: GPUs the experts are split over whole (1 = every expert sliced by tensor parallelism)."""
    dp_attention: bool = False
    """MoE: attention runs data-parallel (each GPU of the replica its own sequences and KV)."""
    gpus_per_replica: int = 0
    concurrency_per_replica: int = 0
    deployments: int = 1
    """Separate deployments (fine-tuned variants without LoRA each need their own)."""
    replicas_for_load: int = 0
    replicas_for_redundancy: int = 0
    replicas_for_headroom: int = 0
    replicas: int = 0
    total_gpus: int = 0
    gpus_per_node: int = 0
    nodes: int = 0
    racks: int = 0
    nodes_per_rack: int = 0
    unit_kind: str = ""
    """How the fleet is ordered: node, instance, host or rack."""
    unit_name: str = ""
    unit_gpus: int = 0
    units: int = 0
    """Whole units ordered (servers, instances, hosts, NVL72 racks)."""
    gpus_bought: int = 0
    """units x unit_gpus: what is paid for and powered."""
    spare_gpus: int = 0
    """GPUs bought but not needed by any replica (the rounding up to whole units)."""
    redundancy: str = ""
    failure_domain: str = ""
    """What the fleet survives, in words ("one node failure: 7 of 8 nodes carry the peak")."""
    failures_survived: int = 0
    """How many of the failure domain's units may fail (0 for none)."""
    failure_unit: str = ""
    """replica, node, half, site or none."""
    sites: int = 1
    rack_power_basis: str = "breaker"
    rack_usable_kw: float = 0.0
    nvlink_domain: int = 0
    """GPUs in one scale-up (NVLink) domain: a replica's TP/EP stays inside it."""
    scale_up_fabric: str = ""
    scale_out_fabric: str = ""
    node_power_kw: float = 0.0
    it_power_kw: float = 0.0
    facility_power_kw: float = 0.0
    typical_power_kw: float = 0.0
    """Average draw while serving (measured where published): for energy cost. ``it_power_kw``
    is the nameplate, for provisioning feeds and racks."""
    typical_power_source: str = ""
    rack_density_kw: float = 0.0
    cooling: str = ""
    cooling_ok: bool = True

    ttft_ms: float | None = None
    """At the design load, spread over all replicas."""
    tpot_ms: float | None = None
    """At the design load, spread over all replicas."""
    output_tokens_per_s: float = 0.0
    """All replicas at the design load."""
    ttft_ms_at_capacity: float | None = None
    """At the per-replica concurrency limit (the worst case the SLO is checked at)."""
    tpot_ms_at_capacity: float | None = None
    utilisation_at_design: float = 0.0
    """Design load over the fleet's in-flight capacity (all replicas)."""
    average_utilisation: float = 0.0
    """Average load over the fleet's in-flight capacity: what cost per token is priced at."""
    output_tokens_per_s_average: float = 0.0
    input_tokens_per_s_average: float = 0.0
    speculative: str = ""
    """Speculative decoding plan in words (empty when off)."""
    speculative_accepted_per_step: float = 1.0
    kv_cache_tokens_per_replica: int = 0
    weights_gb_per_gpu: float = 0.0
    kv_gb_per_gpu: float = 0.0
    overhead_gb_per_gpu: float = 0.0
    memory_gb_per_gpu: float = 0.0

    price_basis: str = ""
    price_usd_per_gpu_hour: float | None = None
    price_source: str = ""
    price_is_estimate: bool = False
    cost_per_hour: float | None = None
    cost_per_month: float | None = None
    cost_per_million_output_tokens: float | None = None
    """At the average load: cost per hour / output tokens per hour."""
    cost_per_million_tokens: float | None = None
    """At the average load: cost per hour / (input + output) tokens per hour."""
    unit_price_per_hour: float | None = None
    """Price of one rental (or amortised purchase) unit per hour."""

    engine: str = ""
    """Engine profile the figures assume (``serving_engine``, or the stated default)."""
    total_gpus_low: int | None = None
    """GPU count sized with latencies at the optimistic end of the error band."""
    total_gpus_high: int | None = None
    """GPU count at the pessimistic end (None: no layout meets the targets there)."""
    units_low: int | None = None
    """Whole purchase units bought at the optimistic end of the band (what IT orders)."""
    units_high: int | None = None
    """Whole units at the pessimistic end (None: no layout meets the targets there)."""
    ttft_ms_low: float | None = None
    ttft_ms_high: float | None = None
    tpot_ms_low: float | None = None
    tpot_ms_high: float | None = None
    output_tokens_per_s_low: float | None = None
    output_tokens_per_s_high: float | None = None
    band_group: str = ""
    band_note: str = ""
    """Where the band comes from (calibration group, how many measurements)."""

    binding_constraint: str = "none"
    why: dict[str, str] = Field(default_factory=dict)
    """Short explanation per figure ("replicas" -> "14 = ceil(...) ..."), for the decision log."""
    assumptions: list[Assumption] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)

    recommended: str = ""
    runner_up: str = ""
    comparison: list[SkuOption] = Field(default_factory=list)
    physical_limits: PhysicalLimits | None = None

    @property
    def gpu_count_text(self) -> str:
        """``36 GPUs (30-44)``: the count and its band; ``(30 or more)`` when no layout meets the
        targets at the pessimistic end of the band."""
        if not self.feasible:
            return "-"
        if self.total_gpus_low is None:
            return f"{self.total_gpus:,} GPUs"
        if self.total_gpus_high is None:
            return f"{self.total_gpus:,} GPUs ({self.total_gpus_low:,} or more: the targets may be missed)"
        return f"{self.total_gpus:,} GPUs ({self.total_gpus_low:,}-{self.total_gpus_high:,})"

    @property
    def units_band_text(self) -> str:
        """What the error band means for the order, in whole units: ``"the same 1 unit at both
        ends of the band"``, ``"4-6 units across the band"``, ``"4 or more units ..."``; empty
        without a band. The GPU band counts GPUs needed, which a buyer cannot order."""
        if not self.feasible or self.units_low is None or not self.units:
            return ""
        if self.units_high is None:
            return f"{self.units_low:,} or more units across the band (targets may be missed)"
        if self.units_low == self.units_high == self.units:
            return f"the same {self.units:,} unit{'' if self.units == 1 else 's'} at both ends of the band"
        return f"{self.units_low:,}-{self.units_high:,} units across the band"

    @property
    def racks_text(self) -> str:
        """``3``, or what stands for 0 when not one node fits a rack's power (the spec holds nodes
        but no rack of IT's feed can host one; "0 racks" would read as "none needed")."""
        if self.nodes and self.nodes_per_rack < 1:
            return f"none: a {self.node_power_kw:.1f} kW node outdraws the rack feed"
        return f"{self.racks:,}"

    @property
    def layout(self) -> str:
        """How one replica splits the model (:func:`layout_text`)."""
        return layout_text(self.tensor_parallel, self.pipeline_parallel, self.expert_parallel, self.dp_attention)

    def is_assumed(self, field: str) -> bool:
        return any(a.field == field for a in self.assumptions)
