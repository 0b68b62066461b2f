"""Hand-built specs, GPUs and a stand-in sizer shared by the planning tests (no tests here).

The planning layer is tested mostly on hand-built ``SizedSpec`` objects so each figure can be
recomputed by hand in a test's docstring, independent of the sizer's physics.
"""

from __future__ import annotations

import math

from kickoff_tui.catalog import GPU, PricePoint
from kickoff_tui.sizing import SizedSpec, SizingInputs

SPEC_DEFAULTS = dict(
    feasible=True,
    model="llama-3.1-70b",
    model_name="Llama 3.1 70B",
    gpu="h100-sxm",
    gpu_name="NVIDIA H100 SXM5 80GB",
    precision="fp8",
    kv_precision="fp8",
    use_case="chat",
    avg_input_tokens=1000,
    avg_output_tokens=250,
    sized_context_tokens=1250,
    peak_concurrency=50,
    ttft_target_ms=1000.0,
    tpot_target_ms=50.0,
    slo_percentile="p95",
    tensor_parallel=2,
    gpus_per_replica=2,
    concurrency_per_replica=10,
    deployments=1,
    replicas_for_load=6,
    replicas_for_redundancy=1,
    replicas_for_headroom=1,
    replicas=8,
    total_gpus=16,
    gpus_per_node=8,
    nodes=2,
    node_power_kw=10.2,
    it_power_kw=25.0,
    ttft_ms=400.0,
    tpot_ms=50.0,
    output_tokens_per_s=1200.0,
    kv_cache_tokens_per_replica=200_000,
    price_basis="on-demand",
    price_usd_per_gpu_hour=2.0,
)
"""The worked example of the cost tests: 16 GPUs in 8 replicas of TP2, 6 of them for load."""


def make_spec(**changes) -> SizedSpec:
    return SizedSpec(**{**SPEC_DEFAULTS, **changes})


def make_gpu(prices: list[PricePoint] | None = None, **changes) -> GPU:
    """A catalog-shaped GPU with round prices: on-demand $2.00 (2026-01-01), purchase $20,000."""
    if prices is None:
        prices = [
            PricePoint(
                basis="on-demand",
                usd_per_gpu_hour=2.0,
                provider="Provider A",
                date="2026-01-01",
                source="test sheet",
            ),
            PricePoint(
                basis="on-demand",
                usd_per_gpu_hour=3.5,
                provider="Provider B",
                date="2026-02-01",
                source="test sheet",
            ),
            PricePoint(
                basis="purchase",
                usd_per_gpu=20_000,
                provider="Vendor C",
                date="2026-03-01",
                source="test quote",
                estimate=True,
                includes_platform=True,
            ),
        ]
    base = dict(
        id="h100-sxm",
        name="NVIDIA H100 SXM5 80GB",
        vendor="NVIDIA",
        form_factor="SXM5",
        architecture="Hopper",
        memory_gb=80,
        memory_bandwidth_tbs=3.35,
        dense_tflops={"bf16": 989.5, "fp8": 1979.0},
        native_precisions=["bf16", "fp8"],
        tdp_w=700,
        scale_up_gbs=900,
        scale_up_domain=8,
        pcie_gbs=128,
        gpus_per_node=8,
        node_name="HGX",
        node_power_kw=10.2,
        node_power_source="test",
        min_cooling="air",
        prices=prices,
        source="test",
    )
    return GPU(**{**base, **changes})


class FakeSizer:
    """A sizer with arithmetic simple enough to check by hand.

    total GPUs = 2 x ceil(peak in-flight / 10) + 2 (TP2 replicas of 10 in flight, plus one spare
    replica); peak above ``limit`` cannot be served. Counts its calls.
    """

    def __init__(self, limit: int = 500) -> None:
        self.limit = limit
        self.calls = 0

    def __call__(self, inputs: SizingInputs) -> SizedSpec:
        self.calls += 1
        peak = inputs.peak_concurrency or 50
        headroom = inputs.growth_headroom or 0.0
        replicas = math.ceil(math.ceil(peak / 10) * (1 + headroom)) + 1
        if peak > self.limit:
            return make_spec(
                feasible=False,
                infeasible_reason="too much traffic for the test",
                peak_concurrency=peak,
                total_gpus=0,
                replicas=0,
            )
        return make_spec(
            peak_concurrency=peak,
            replicas=replicas,
            total_gpus=2 * replicas,
            replicas_for_load=math.ceil(peak / 10),
            cost_per_month=1000.0 * replicas,
        )
