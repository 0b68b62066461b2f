"""Parts without measured kernels of their own read those of the part with the same compute die,
scaled by the ratio of the two parts' rated peaks (docs/model.md, measured kernels)."""

from __future__ import annotations

import pytest

from kickoff_tui.catalog import get_gpu
from kickoff_tui.catalog.engines import get_engine
from kickoff_tui.sizing import perf
from kickoff_tui.sizing.estimate import estimate

SAME_DIE = [("h200-nvl", "h200-sxm"), ("h100-nvl", "h100-sxm"), ("h100-pcie", "h100-sxm"),
            ("a100-40gb", "a100-80gb")]


@pytest.mark.parametrize(("part", "reference"), SAME_DIE)
def test_gemm_rate_is_the_reference_curve_scaled_by_the_rated_peak(part: str, reference: str) -> None:
    gpu, ref = get_gpu(part), get_gpu(reference)
    engine = get_engine("vllm")
    precision = "bf16"
    for tokens in (64, 1024, 8192):
        mine = perf.achievable_flops(gpu, precision, engine, tokens)
        theirs = perf.achievable_flops(ref, precision, engine, tokens)
        scale = gpu.dense_tflops[precision] / ref.dense_tflops[precision]
        assert mine == pytest.approx(theirs * scale, rel=1e-9)
    assert perf.measured_efficiency_source(gpu) == f"inherited from {reference}"


def test_communication_is_never_inherited() -> None:
    """The H200 NVL's 4-way bridge is not the SXM part's NVSwitch: its all-reduce comes from its
    own links, so it differs from the SXM part's measured one."""
    nvl, sxm = get_gpu("h200-nvl"), get_gpu("h200-sxm")
    engine = get_engine("vllm")
    message = 8192 * 8192 * 2.0
    assert perf.allreduce_call(nvl, 4, message, engine) != perf.allreduce_call(sxm, 4, message, engine)


def test_a_slower_copy_of_a_die_is_never_faster_than_the_original() -> None:
    for part, reference in SAME_DIE[:3]:
        kwargs = dict(precision="fp8", tensor_parallel=2, concurrency=16, engine="vllm")
        slow = estimate("llama-3.1-70b", part, 2, 2000, 300, **kwargs)
        fast = estimate("llama-3.1-70b", reference, 2, 2000, 300, **kwargs)
        assert slow.fits and fast.fits
        assert slow.output_tokens_per_s <= fast.output_tokens_per_s * (1 + 1e-9), part
