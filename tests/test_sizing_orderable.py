"""A spec IT can order: design load, failure domains, whole units, NVLink domains, power,
weight-only formats, speculative decoding, prices (issue 11)."""

from __future__ import annotations

import math
import os
from pathlib import Path

import pytest
import tomllib
from hypothesis import example as hypothesis_example, given, settings
from hypothesis import strategies as st

from kickoff_tui.catalog import get_gpu, get_model, gpus
from kickoff_tui.planning.cost import CostOverrides, cost_report
from kickoff_tui.sizing import SizingInputs, size
from kickoff_tui.sizing import constants as C
from kickoff_tui.sizing import perf, speculative
from kickoff_tui.sizing.estimate import estimate
from kickoff_tui.sizing.sizer import node_power_kw, size_pinned

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
PROP = settings(max_examples=int(os.environ.get("KICKOFF_HYP_EXAMPLES", 15)), deadline=None)


def example(name: str, **changes) -> SizingInputs:
    data = tomllib.loads((EXAMPLES / name).read_text())
    data.pop("title", None)
    data.update(changes)
    return SizingInputs(**data)


BASE = SizingInputs(model="llama-3.1-8b", gpu="h100-sxm", avg_input_tokens=1500, avg_output_tokens=300,
                    precision="fp8")


# --- 1. Load ------------------------------------------------------------------------------------


def test_burst_multiplies_the_stated_peak_and_the_average_is_the_stated_peak():
    plain = size_pinned(BASE.model_copy(update={"peak_concurrency": 200}))
    burst = size_pinned(BASE.model_copy(update={"peak_concurrency": 200, "burst_factor": 2.0}))
    assert burst.peak_concurrency == 400 and burst.stated_concurrency == 200
    assert burst.average_concurrency == 200
    assert burst.total_gpus > plain.total_gpus
    assert "400" in burst.why["load"] and "burst 2" in burst.why["load"]
    included = size_pinned(BASE.model_copy(update={"peak_concurrency": 200, "burst_factor": 2.0,
                                                   "burst_included": True}))
    assert included.peak_concurrency == 200 and included.average_concurrency == 100
    assert included.total_gpus == plain.total_gpus
    assert plain.is_assumed("burst_factor") and not burst.is_assumed("burst_factor")


def test_figures_are_at_the_design_load_not_the_per_replica_limit():
    """A 1-in-flight 8B chat reports its own batch-1 latency, not the latency at the most a
    replica could take."""
    spec = size_pinned(BASE.model_copy(update={"peak_concurrency": 1, "redundancy": "none"}))
    alone = estimate("llama-3.1-8b", "h100-sxm", spec.gpus_per_replica, 1500, 300, precision="fp8",
                     concurrency=1)
    assert spec.tpot_ms == pytest.approx(alone.tpot_ms, rel=0.02)
    assert spec.tpot_ms_at_capacity > spec.tpot_ms
    assert "design load" in spec.why["tpot_ms"] and "design load" in spec.why["ttft_ms"]
    assert "average load" in spec.why["cost_per_million_tokens"]


def test_kickoff_cost_does_not_divide_the_burst_twice():
    spec = size_pinned(BASE.model_copy(update={"peak_concurrency": 200, "burst_factor": 2.0}))
    inputs = BASE.model_copy(update={"peak_concurrency": 200, "burst_factor": 2.0})
    report = cost_report(spec, inputs, CostOverrides())
    capacity = spec.replicas * spec.concurrency_per_replica
    assert report.utilisation.value == pytest.approx(200 / capacity)
    assert report.utilisation.value == pytest.approx(spec.average_utilisation, rel=1e-3)
    assert report.served_tokens_per_s.value == pytest.approx(spec.output_tokens_per_s_average)


@PROP
@given(st.integers(1, 3000), st.integers(1, 3000), st.floats(1, 4), st.floats(1, 4))
def test_more_load_never_means_fewer_gpus(a, b, burst_a, burst_b):
    """More in flight, or more burst on top, never yields fewer GPUs (used or bought)."""
    lo, hi = sorted((a, b))
    small, big = sorted((burst_a, burst_b))
    first = size_pinned(BASE.model_copy(update={"peak_concurrency": lo, "burst_factor": small}))
    second = size_pinned(BASE.model_copy(update={"peak_concurrency": hi, "burst_factor": big}))
    assert second.gpus_bought >= first.gpus_bought
    assert second.total_gpus >= first.total_gpus


# --- 2. Failure domains -------------------------------------------------------------------------


def replicas_left(spec) -> int:
    """Replicas of ONE deployment still running after the failure the spec says it survives
    (worst case: the fullest nodes fail; every deployment has its own replicas and nodes)."""
    k = spec.failures_survived
    replicas = spec.replicas // max(spec.deployments, 1)
    if spec.failure_unit == "node":
        per_node = spec.gpus_per_node // spec.gpus_per_replica if spec.gpus_per_replica <= spec.gpus_per_node else 1
        return replicas - k * max(per_node, 1)
    if spec.failure_unit == "site":
        return replicas - replicas // spec.sites
    return replicas - k


def test_n_plus_one_nodes_survives_a_node_where_n_plus_one_replicas_does_not():
    common = {"peak_concurrency": 300, "model": "llama-3.1-8b"}
    replica = size_pinned(BASE.model_copy(update={**common, "redundancy": "n+1"}))
    node = size_pinned(BASE.model_copy(update={**common, "redundancy": "spare-node"}))
    assert replica.gpus_per_replica == 1  # eight replicas share a node
    assert replica.replicas_for_redundancy == 1
    assert "NOT covered" in replica.failure_domain
    assert node.replicas_for_redundancy == 8
    assert node.failure_domain.startswith("survives one node failure")
    assert f"{node.nodes - 1} of {node.nodes} nodes carry" in node.failure_domain
    two = size_pinned(BASE.model_copy(update={**common, "redundancy": "spare-nodes", "spare_nodes": 3}))
    assert two.replicas_for_redundancy == 24 and two.failures_survived == 3


@PROP
@given(st.integers(1, 4000),
       st.sampled_from(["none", "n+1", "n+2", "spare-node", "n+2-node", "spare-nodes", "2n", "multi-site"]),
       st.integers(1, 4), st.sampled_from(["llama-3.1-8b", "llama-3.1-70b", "deepseek-r1"]))
def test_a_spec_survives_the_failure_domain_it_names(peak, redundancy, k, model):
    spec = size_pinned(BASE.model_copy(update={"peak_concurrency": peak, "redundancy": redundancy,
                                               "spare_nodes": k, "model": model, "gpu": "h200-sxm"}))
    if not spec.feasible:
        return
    assert spec.failure_domain
    left = replicas_left(spec)
    assert left * spec.concurrency_per_replica >= spec.peak_concurrency
    if spec.failure_unit == "node":
        assert f"{spec.nodes - spec.failures_survived} of {spec.nodes} nodes" in spec.failure_domain


@PROP
@given(st.integers(1, 3000),
       st.sampled_from(["none", "n+1", "n+2", "spare-node", "n+2-node", "spare-nodes", "2n", "multi-site"]),
       st.integers(1, 3), st.integers(2, 4), st.booleans(), st.sampled_from(["llama-3.1-8b", "llama-3.1-70b"]))
def test_every_deployment_survives_the_failure_domain_the_spec_names(peak, redundancy, k, variants,
                                                                     lora, model):
    """Fine-tuned variants without LoRA each get their own replicas and nodes: each deployment
    carries its share of the design load after the named failure, and the spec says so; LoRA
    variants ride on every replica of one deployment, which survives for all of them."""
    spec = size_pinned(BASE.model_copy(update={
        "peak_concurrency": peak, "redundancy": redundancy, "spare_nodes": k, "model": model,
        "gpu": "h200-sxm", "finetuned_variants": variants, "lora_adapters": lora}))
    if not spec.feasible:
        return
    assert spec.deployments == (1 if lora else variants)
    share = math.ceil(spec.peak_concurrency / spec.deployments)
    assert replicas_left(spec) * spec.concurrency_per_replica >= share
    if spec.deployments > 1:
        assert spec.failure_domain.startswith(f"each of the {variants} deployments")
        if spec.failure_unit == "node":
            nodes = spec.nodes // spec.deployments
            assert f"{nodes - spec.failures_survived} of {nodes} nodes" in spec.failure_domain
    elif spec.failure_unit != "none":
        assert f"all {variants} LoRA variants" in spec.failure_domain


def test_a_second_site_doubles_units_and_racks():
    one = size_pinned(BASE.model_copy(update={"peak_concurrency": 500, "redundancy": "2n"}))
    two = size_pinned(BASE.model_copy(update={"peak_concurrency": 500, "redundancy": "multi-site"}))
    assert two.sites == 2 and "site failure" in two.failure_domain
    assert two.units >= one.units and two.racks % 2 == 0


def test_old_redundancy_answers_still_load():
    """Sessions saved before the failure-domain question kept the same values: "spare-node"
    still means a node may fail (N+1 nodes), "n+1" one replica."""
    from kickoff_tui.record import default_questionnaire, inputs_from_answers

    q = default_questionnaire()
    for value in ("none", "n+1", "n+2", "spare-node", "2n", "multi-site"):
        assert q.get("redundancy").validate_value(value) == value
        assert inputs_from_answers(q, {"redundancy": value}).redundancy == value


# --- 3. Whole units -----------------------------------------------------------------------------


def test_every_sku_knows_how_it_is_bought_and_rented():
    for gpu in gpus():
        for unit in (gpu.bought_in, gpu.rented_in):
            assert unit.gpus >= 1 and unit.name and unit.source
    assert get_gpu("trainium2").rented_in.gpus == 16
    assert get_gpu("tpu-v5p").rented_in.kind == "host" and get_gpu("tpu-v5p").rented_in.gpus == 4
    assert get_gpu("gb200").bought_in.kind == "rack" and get_gpu("gb200").bought_in.gpus == 72
    assert get_gpu("b200").bought_in.gpus == 8


def test_spare_gpus_are_shown():
    spec = size_pinned(SizingInputs(model="llama-3.3-70b", gpu="trainium2", precision="fp8",
                                    peak_concurrency=300))
    assert spec.gpus_bought % 16 == 0 and spec.gpus_bought >= spec.total_gpus
    assert spec.spare_gpus == spec.gpus_bought - spec.total_gpus
    assert f"{spec.total_gpus} GPUs needed, {spec.gpus_bought} bought" in spec.why["units"]
    if spec.spare_gpus:
        assert f"{spec.spare_gpus} spare" in spec.why["units"]


@PROP
@given(st.sampled_from([g.id for g in gpus()]), st.integers(1, 2000),
       st.sampled_from(["on-demand", "reserved-1y", "purchase"]))
def test_cost_and_power_count_the_same_units(gpu_id, peak, basis):
    spec = size_pinned(SizingInputs(model="llama-3.1-8b", gpu=gpu_id, peak_concurrency=peak,
                                    price_basis=basis, rack_power_kw=200, cooling="dlc"))
    if not spec.feasible:
        return
    assert spec.gpus_bought == spec.units * spec.unit_gpus >= spec.total_gpus
    per_gpu_kw = node_power_kw(get_gpu(gpu_id), spec.gpus_per_node) / spec.gpus_per_node
    assert spec.it_power_kw == pytest.approx(spec.gpus_bought * per_gpu_kw * (1 + C.NETWORK_OVERHEAD_FRACTION),
                                             abs=0.06)
    if spec.cost_per_hour is not None:
        assert spec.cost_per_hour == pytest.approx(spec.price_usd_per_gpu_hour * spec.gpus_bought, rel=5e-3, abs=0.02)
        assert spec.unit_price_per_hour == pytest.approx(spec.price_usd_per_gpu_hour * spec.unit_gpus, rel=5e-3,
                                                         abs=0.02)


# --- 4. NVLink domains --------------------------------------------------------------------------


def test_nvl72_keeps_tp_inside_the_rack_domain():
    spec = size_pinned(SizingInputs(model="deepseek-r1", gpu="gb200", precision="fp8", peak_concurrency=500,
                                    price_basis="purchase", rack_power_kw=140, cooling="dlc"))
    assert spec.feasible and spec.pipeline_parallel == 1
    assert spec.tensor_parallel > get_gpu("gb200").gpus_per_node  # beyond one compute tray
    assert spec.nvlink_domain == 72
    assert "NVLink" in spec.scale_out_fabric and "InfiniBand" not in spec.scale_out_fabric
    assert spec.unit_kind == "rack" and spec.gpus_bought == 72 * spec.units


def test_hgx_replicas_beyond_the_node_pipeline_over_the_fabric():
    spec = size_pinned(SizingInputs(model="llama-3.1-405b", gpu="a100-80gb", precision="bf16",
                                    peak_concurrency=10, ttft_target_ms=30_000, tpot_target_ms=500))
    assert spec.feasible and spec.pipeline_parallel > 1
    assert "InfiniBand" in spec.scale_out_fabric


# --- 5. Power and cooling -----------------------------------------------------------------------


def test_the_rack_answer_says_what_it_is():
    cap = size_pinned(example("dgx-b200-35kw.toml", rack_power_basis="it-cap"))
    breaker = size_pinned(example("dgx-b200-35kw.toml", rack_power_basis="breaker"))
    assert cap.rack_usable_kw == pytest.approx(35.0) and breaker.rack_usable_kw == pytest.approx(28.0)
    assert (cap.nodes_per_rack, breaker.nodes_per_rack) == (2, 1)
    assert not size_pinned(example("dgx-b200-35kw.toml", rack_power_basis=None)).rack_power_basis == "it-cap"


def test_typical_draw_is_below_nameplate_and_measured_where_published():
    spec = size_pinned(SizingInputs(model="llama-3.1-70b", gpu="mi355x", precision="fp8", peak_concurrency=200,
                                    cooling="dlc", rack_power_kw=100))
    assert 0 < spec.typical_power_kw < spec.it_power_kw
    assert "measured" in spec.typical_power_source
    h200 = size_pinned(SizingInputs(model="llama-3.1-70b", gpu="h200-sxm", precision="fp8", peak_concurrency=200))
    assert h200.typical_power_kw == pytest.approx(h200.it_power_kw * C.TYPICAL_DRAW_FRACTION, abs=0.1)
    assert "estimate" in h200.typical_power_source


def test_b300_has_air_cooled_variants():
    b300 = get_gpu("b300")
    assert "air" in b300.cooling_variants and b300.min_cooling == "air" and b300.cooling_source
    spec = size_pinned(SizingInputs(model="llama-3.1-70b", gpu="b300", precision="fp8", peak_concurrency=50,
                                    cooling="air", rack_power_kw=17, rack_power_basis="it-cap"))
    assert spec.cooling == "air" and spec.cooling_ok


# --- 6. Weight-only quantisation ----------------------------------------------------------------


def test_awq_int4_runs_16_bit_math_on_a100():
    a100 = get_gpu("a100-80gb")
    assert perf.compute_precision(a100, "w4a16") == ("bf16", True)
    assert perf.compute_precision(a100, "int4") == ("bf16", True)  # not the 1,248 TOPS INT4 rate
    assert perf.compute_precision(a100, "int8") == ("int8", False)  # W8A8 keeps its math
    long_prompt = 8000
    bf16 = perf.prefill_seconds(get_model("llama-3.1-8b"), a100, "bf16", "bf16", 1, 1, long_prompt)
    awq = perf.prefill_seconds(get_model("llama-3.1-8b"), a100, "w4a16", "bf16", 1, 1, long_prompt)
    assert awq == pytest.approx(bf16, rel=0.05)  # prefill gets no speed-up ...
    assert perf.weight_bytes(get_model("llama-3.1-8b"), "w4a16") == pytest.approx(
        perf.weight_bytes(get_model("llama-3.1-8b"), "bf16") / 4)  # ... memory does


def test_the_precision_question_tells_weight_only_from_weights_and_activations():
    from kickoff_tui.record import default_questionnaire

    labels = {c.value: c.label for c in default_questionnaire().get("precision").choices}
    assert "weights only" in labels["int4"] and "AWQ" in labels["int4"]
    assert "activations" in labels["fp8"] and "activations" in labels["fp4"]


# --- 7. Speculative decoding --------------------------------------------------------------------


def test_accepted_tokens_formula():
    assert speculative.accepted_tokens_per_step(0.0, 4) == pytest.approx(1.0)
    assert speculative.accepted_tokens_per_step(1.0, 4) == pytest.approx(5.0)
    assert speculative.accepted_tokens_per_step(0.75, 4) == pytest.approx((1 - 0.75**5) / 0.25)
    plan = speculative.plan(get_model("llama-3.3-70b"), "fp8", "mtp")
    assert plan.draft_tokens == 1 and plan.verified_positions == 2
    assert plan.accepted_per_step == pytest.approx(1.85)
    ngram = speculative.plan(get_model("llama-3.3-70b"), "fp8", "ngram")
    assert ngram.draft_weight_bytes == 0 and ngram.draft_time_fraction == 0
    draft = speculative.plan(get_model("llama-3.3-70b"), "fp8", "draft-model", draft=get_model("llama-3.1-8b"),
                             draft_tokens=6)
    assert draft.verified_positions == 7 and draft.draft_weight_bytes == pytest.approx(8.03e9, rel=0.05)
    assert draft.net_speedup < draft.accepted_per_step


@given(st.floats(0.01, 0.99), st.integers(1, 10))
def test_accepted_tokens_stay_between_one_and_k_plus_one(a, k):
    value = speculative.accepted_tokens_per_step(a, k)
    assert 1.0 <= value <= k + 1


def test_speculative_decoding_halves_gpus_at_low_concurrency_and_less_at_high():
    def ratio(tpot: float) -> float:
        base = SizingInputs(model="llama-3.3-70b", gpu="h100-sxm", precision="fp8", peak_concurrency=1000,
                            redundancy="none", tpot_target_ms=tpot, ttft_target_ms=3000)
        plain = size_pinned(base)
        fast = size_pinned(base.model_copy(update={"speculative_decoding": True, "speculative_method": "eagle"}))
        return fast.total_gpus / plain.total_gpus

    tight = ratio(30)  # small batches per replica: decode is bound by weight reads
    loose = ratio(100)  # large batches: the k + 1 verified positions cost real compute
    assert 0.4 <= tight <= 0.65
    assert loose > tight


def test_a_draft_model_takes_memory_and_is_explained():
    base = SizingInputs(model="llama-3.3-70b", gpu="h100-sxm", precision="fp8", peak_concurrency=200,
                        speculative_decoding=True, speculative_method="draft-model", draft_model="llama-3.1-8b",
                        speculative_acceptance=0.7, speculative_draft_tokens=4)
    spec = size_pinned(base)
    plain = size_pinned(base.model_copy(update={"speculative_decoding": False}))
    assert spec.kv_gb_per_gpu < plain.kv_gb_per_gpu
    assert "k = 4" in spec.why["speculative"] and "5 positions verified" in spec.why["speculative"]
    assert spec.speculative_accepted_per_step == pytest.approx(speculative.accepted_tokens_per_step(0.7, 4), rel=1e-3)
    assert spec.is_assumed("speculative_speedup")  # not measured


# --- 8. Prices ----------------------------------------------------------------------------------


def test_every_price_is_dated_and_sourced_or_an_estimate_with_its_formula():
    for gpu in gpus():
        for price in gpu.prices:
            assert price.date and price.source
            if price.estimate and price.provider == "Kickoff estimate" and price.usd_per_gpu_hour:
                assert price.formula, (gpu.id, price.basis)


def test_an_estimated_price_shows_its_formula_in_the_why():
    spec = size_pinned(SizingInputs(model="llama-3.1-8b", gpu="b200", peak_concurrency=50))
    assert spec.price_is_estimate
    assert "Kickoff's estimate" in spec.why["price"] and "x (" in spec.why["price"]
    listed = size_pinned(SizingInputs(model="llama-3.1-8b", gpu="h100-sxm", peak_concurrency=50))
    assert not listed.price_is_estimate and "price" not in listed.why
    assert "Lambda" in listed.why["cost_per_hour"] and "/unit-hour" in listed.why["cost_per_hour"]


def test_cost_per_million_tokens_counts_input_and_output_at_average_load():
    spec = size_pinned(BASE.model_copy(update={"peak_concurrency": 200, "burst_factor": 2.0}))
    per_hour = spec.cost_per_hour
    out = spec.output_tokens_per_s_average
    inp = spec.input_tokens_per_s_average
    assert inp == pytest.approx(out * 1500 / 300, rel=1e-3)
    assert spec.cost_per_million_tokens == pytest.approx(per_hour / ((out + inp) * 3600) * 1e6, rel=1e-2)
    assert spec.cost_per_million_output_tokens == pytest.approx(per_hour / (out * 3600) * 1e6, rel=1e-2)
    assert spec.output_tokens_per_s_average < spec.output_tokens_per_s  # average below the design load


# --- Worked examples ----------------------------------------------------------------------------


def test_bank_rag_lands_at_a_handful_of_nodes_with_the_burst_counted():
    spec = size(example("bank-rag.toml"))
    assert spec.feasible and spec.gpu == "h200-sxm" and spec.gpus_per_node == 8
    assert spec.peak_concurrency == 400 and spec.stated_concurrency == 200
    assert 4 <= spec.nodes <= 16
    assert spec.binding_constraint in {"ttft", "tpot", "memory"}
    assert spec.replicas_for_redundancy == 2
    # the SLOs hold at p95 (the model's own percentile) even at the per-replica limit
    assert spec.ttft_ms <= 500 and spec.tpot_ms <= 40
    without_burst = size_pinned(example("bank-rag.toml", burst_factor=None))
    assert without_burst.total_gpus < spec.total_gpus


def test_dgx_b200_35kw_is_flagged():
    from kickoff_tui.record import RULES, FlagContext, default_questionnaire
    from kickoff_tui.record.text import cooling_words

    inputs = example("dgx-b200-35kw.toml")
    spec = size_pinned(inputs)
    assert 65 <= spec.it_power_kw <= 80
    ctx = FlagContext(questionnaire=default_questionnaire(), answers={}, inputs=inputs, spec=spec)
    flags = RULES["rack-power-spreads"].check(ctx)
    assert flags and "35 kW rack takes 2" in flags[0].message
    # the cooling in words, not its id ("with dlc cooling")
    assert flags[0].message.endswith(f"kW with {cooling_words(spec.cooling)}.")
    assert f" {spec.cooling} cooling" not in flags[0].message


def test_max_context_sizing_is_flagged_and_costs_many_times_the_average():
    from kickoff_tui.record import RULES, FlagContext, default_questionnaire

    average = size_pinned(example("max-context-trap.toml", size_for_max_context=False))
    maximum = size_pinned(example("max-context-trap.toml"))
    assert maximum.cost_per_month > 4 * average.cost_per_month
    ctx = FlagContext(questionnaire=default_questionnaire(), answers={},
                      inputs=example("max-context-trap.toml"), spec=maximum)
    assert RULES["max-context-sizing"].check(ctx)


def test_readme_examples_still_size():
    for path in sorted(EXAMPLES.glob("*.toml")):
        data = tomllib.loads(path.read_text())
        if "schema_version" in data:
            continue
        data.pop("title", None)
        spec = size(SizingInputs(**data))
        assert spec.model, path.name
        assert math.isfinite(spec.it_power_kw)


def test_kickoff_cost_buys_whole_racks_when_the_spec_rents_vms():
    inputs = SizingInputs(model="llama-3.3-70b", gpu="gb200", peak_concurrency=100, rack_power_kw=150, cooling="dlc")
    spec = size_pinned(inputs)
    report = cost_report(spec, inputs, CostOverrides(power_usd_per_kwh=0.1, pue=1.3))
    assert spec.unit_gpus == 4 and report.total_gpus == spec.gpus_bought
    rent = report.option("on-demand")
    assert f"spec.gpus_bought {spec.gpus_bought}" in rent.per_hour.trace
    capex = next(f for f in report.option("buy").detail if f.key == "buy.capex")
    assert capex.trace.startswith("1 x GB200 NVL72 rack") and capex.value == pytest.approx(72 * 48_000)


# --- Queueing: a layout that meets TTFT only with one request per replica is not ordered ------


def _bank_floor(gpu_id: str):
    """(layout, p95 TTFT at one request, at two) of the largest layout the sizer tries for the
    bank case on ``gpu_id`` (the model's own figures, so the test follows the physics)."""
    from kickoff_tui.catalog.engines import engine_for
    from kickoff_tui.sizing import sizer as S
    from kickoff_tui.sizing.estimate import operating_point

    r = S.resolve(example("bank-rag.toml", gpu=gpu_id))
    gpu = get_gpu(gpu_id)
    engine, _ = engine_for(r.options.engine, gpu.vendor)
    layout = S.candidate_layouts(r, gpu, "fp8", "fp8", gpu.gpus_per_node, engine)[-1]
    at = [operating_point(r.model, gpu, "fp8", "fp8", layout, r.input_tokens, r.output_tokens, n,
                          r.options, engine).ttft_at("p95") for n in (1, 2)]
    return layout, at[0] * 1e3, at[1] * 1e3


def test_a_ttft_target_met_only_without_batching_is_reported_not_sized():
    """A TTFT target between the p95 at one request and at two (on the fastest layout) used to
    give one replica per request in flight (the "1 in flight per replica" artefact); the part is
    now reported as not meeting the target with batching, with the figures that show why."""
    layout, one, two = _bank_floor("h200-sxm")
    target = math.floor((one + two) / 2)
    assert one < target < two
    spec = size_pinned(example("bank-rag.toml", ttft_target_ms=target))
    if spec.feasible:  # another layout batches under this target: then it must really batch
        assert spec.concurrency_per_replica >= 2
        return
    assert "only without batching" in spec.infeasible_reason
    assert f"TP{layout.tp} reaches {one:.0f} ms with one request" in spec.infeasible_reason
    assert f"{two:.0f} ms with two" in spec.infeasible_reason


@PROP
@given(st.integers(150, 3000), st.sampled_from(["h200-sxm", "h200-nvl", "mi300x", "h100-sxm"]),
       st.integers(1, 400))
@hypothesis_example(500, "h200-nvl", 400)  # the bank case on H200 NVL: once 402 replicas of one request each
def test_ttft_never_binds_at_one_request_per_replica_when_the_load_needs_more(ttft, gpu_id, peak):
    spec = size_pinned(example("bank-rag.toml", ttft_target_ms=ttft, gpu=gpu_id, peak_concurrency=peak,
                               burst_factor=None))
    if not spec.feasible:
        return
    if spec.binding_constraint == "ttft" and spec.peak_concurrency > 1 and spec.concurrency_per_replica < 2:
        # only a replica busy prefilling (the prompt's TTFT longer than its decode) may stay at one
        assert spec.ttft_ms_at_capacity >= spec.avg_output_tokens * spec.tpot_ms_at_capacity


def test_the_sku_comparison_says_why_ttft_binds():
    bound = 0
    for target in (300, 350, 400, 500):
        spec = size(example("bank-rag.toml", ttft_target_ms=target))
        if not spec.feasible or spec.binding_constraint != "ttft":
            continue
        bound += 1
        row = next(o for o in spec.comparison if o.gpu == spec.gpu)
        assert f"TTFT binds at {row.concurrency_per_replica} in flight per replica" in row.reason
        assert "4,000-token prompt takes" in row.reason and f"of the {target} ms target" in row.reason
    assert bound  # a tight enough TTFT target binds on H200


def test_max_context_sizing_is_sized_not_refused():
    """128K requests: TTFT binds (one 128K prefill takes seconds of a whole node) and few fit a
    replica at once, but a replica busy prefilling is working, not idle: the spec is sized (its
    cost multiple over the average sizing is the prefill work of 128K prompts), not refused."""
    maximum = size_pinned(example("max-context-trap.toml"))
    assert maximum.feasible and maximum.binding_constraint == "ttft"
    assert maximum.concurrency_per_replica >= 2 or (
        maximum.ttft_ms_at_capacity >= maximum.avg_output_tokens * maximum.tpot_ms_at_capacity)


@PROP
@given(st.sampled_from([g.id for g in gpus()]), st.integers(1, 1500),
       st.sampled_from(["on-demand", "reserved-1y", "purchase"]))
def test_cost_power_growth_and_staff_count_the_same_units_as_the_spec(gpu_id, peak, basis):
    """Everywhere a fleet is counted (the spec's power, the cost report's rent, staff and buy
    power, growth at today's traffic) it is the GPUs bought in whole units."""
    from kickoff_tui.planning.growth import bought, grown_inputs

    inputs = SizingInputs(model="llama-3.1-8b", gpu=gpu_id, peak_concurrency=peak, price_basis=basis,
                          rack_power_kw=200, cooling="dlc")
    spec = size_pinned(inputs)
    if not spec.feasible:
        return
    report = cost_report(spec, inputs, CostOverrides(power_usd_per_kwh=0.1, pue=1.3))
    assert report.total_gpus == spec.gpus_bought
    assert report.staff_engineers.value == pytest.approx(spec.gpus_bought / 100 * 1.5)
    for opt in report.options:
        if opt.available and opt.option != "buy":
            assert opt.per_hour.value == pytest.approx(spec.gpus_bought * opt.quote.usd_per_gpu_hour)
    if spec.unit_gpus == get_gpu(gpu_id).bought_in.gpus and report.option("buy").available:
        power = next(f for f in report.option("buy").detail if f.key == "buy.power_per_month")
        assert power.value == pytest.approx(spec.typical_power_kw * 1.3 * 0.1 * C.HOURS_PER_MONTH, rel=1e-6)
    again = size_pinned(grown_inputs(inputs, spec, 1.0))
    assert bought(again) == spec.gpus_bought


def test_a_node_failure_the_growth_headroom_absorbs_is_said_to_cost_the_headroom():
    """12 replicas of TP2 (4 a node): 8 for the design load, 3 of headroom, 1 for N+1. Losing a
    node leaves 8, today's design load: the text said "NOT covered"; it now says the headroom
    pays for it. Without headroom it stays NOT covered."""
    from kickoff_tui.sizing.sizer import failure_domain

    text, k, unit = failure_domain("n+1", 0, 12, 11, 3, 1, lost_per_node=4, design=8)
    assert (k, unit) == (1, "replica") and "NOT covered" not in text
    assert "leaves 8, enough for today's design load (8) only by spending the growth headroom" in text
    text, _, _ = failure_domain("n+1", 0, 9, 8, 3, 1, lost_per_node=4, design=8)
    assert "is NOT covered" in text
