"""Every red-flag rule: one context that raises it and one that does not."""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

import pytest

from kickoff_tui.record import RULES, FlagContext, default_questionnaire, inputs_from_answers, merge_flags
from kickoff_tui.record.flags import Flag, FlagRecord
from kickoff_tui.record.models import Answer, ReviewCadence, SignOff
from kickoff_tui.sizing.spec import PhysicalLimits, SizedSpec

T0 = datetime(2026, 1, 15, 9, 0, tzinfo=timezone.utc)
T1 = datetime(2026, 1, 15, 9, 5, tzinfo=timezone.utc)
T2 = datetime(2026, 1, 15, 9, 10, tzinfo=timezone.utc)

SIGNED = (
    SignOff(role="it", name="Priya", at=T0),
    SignOff(role="ai_team", name="Sam", at=T0),
)
CADENCE = ReviewCadence(every="quarterly", next_review=date(2026, 4, 15), set_by="Priya", at=T0)


def make_spec(**changes: Any) -> SizedSpec:
    """A plausible feasible spec: 4 replicas of TP2 H100 in one node, air cooled."""
    base: dict[str, Any] = dict(
        feasible=True,
        model="llama-3.3-70b",
        model_name="Llama 3.3 70B",
        gpu="h100-sxm",
        gpu_name="H100 SXM",
        precision="fp8",
        kv_precision="fp8",
        use_case="chat",
        avg_input_tokens=2000,
        avg_output_tokens=400,
        sized_context_tokens=2400,
        peak_concurrency=120,
        ttft_target_ms=1000,
        tpot_target_ms=50,
        slo_percentile="p95",
        tensor_parallel=2,
        gpus_per_replica=2,
        gpus_per_node=8,
        replicas=4,
        total_gpus=8,
        nodes=1,
        racks=1,
        node_power_kw=10.2,
        it_power_kw=10.7,
        rack_density_kw=10.2,
        cooling="air",
        cooling_ok=True,
        scale_out_fabric="Ethernet front-end (replicas are independent)",
        physical_limits=PhysicalLimits(
            best_tpot_ms=5.7, best_tpot_gpu="mi355x", best_ttft_ms=113.0, best_ttft_gpu="b200"
        ),
    )
    base.update(changes)
    return SizedSpec(**base)


def make_ctx(
    answers: dict[str, Any] | None = None,
    *,
    by: dict[str, str] | None = None,
    rationale: dict[str, str] | None = None,
    spec: SizedSpec | None = None,
    arch: str | None = "Hopper",
    signoffs: tuple[SignOff, ...] = SIGNED,
    cadence: ReviewCadence | None = CADENCE,
) -> FlagContext:
    """A context from bare answer values; each answered by its owner unless ``by`` says
    otherwise. Sign-offs and cadence present by default, so only the rule under test fires."""
    q = default_questionnaire()
    recorded = {
        qid: Answer(
            value=value,
            answered_by="someone",
            role=(by or {}).get(qid, q.get(qid).role),
            rationale=(rationale or {}).get(qid, ""),
            at=T0,
            owner_mismatch=(by or {}).get(qid, q.get(qid).role) != q.get(qid).role,
        )
        for qid, value in (answers or {}).items()
    }
    return FlagContext(
        questionnaire=q,
        answers=recorded,
        inputs=inputs_from_answers(q, recorded),
        spec=spec if spec is not None else make_spec(),
        signoffs=signoffs,
        cadence=cadence,
        gpu_architecture=arch,
    )


def make_planned_ctx(answers: dict[str, Any]) -> FlagContext:
    """:func:`make_ctx` with the planning overrides its answers build (as a session passes)."""
    import dataclasses

    from kickoff_tui.record.plan_answers import planning_from_answers

    ctx = make_ctx(answers)
    return dataclasses.replace(ctx, planning=planning_from_answers(ctx.questionnaire, ctx.answers))


# (rule id, context that raises it, context that does not)
CASES: list[tuple[str, FlagContext, FlagContext]] = [
    (
        "plan-below-spec",
        make_ctx({"gpu_count_budget": 6}),
        make_ctx({"gpu_count_budget": 8, "monthly_budget_usd": 50_000}),
    ),
    (
        "input-near-max-context",
        make_ctx({"avg_input_tokens": 20_000, "max_context_tokens": 32_768, "avg_output_tokens": 500}),
        make_ctx({"avg_input_tokens": 6_000, "max_context_tokens": 32_768, "avg_output_tokens": 500}),
    ),
    (
        "rack-power-spreads",
        make_ctx({"rack_power_kw": 35}, spec=make_spec(nodes=5, racks=3, nodes_per_rack=2, gpus_per_replica=8,
                                                       tensor_parallel=8, replicas=5, total_gpus=40,
                                                       node_power_kw=14.3, it_power_kw=75.1,
                                                       rack_density_kw=28.6, cooling="rdhx")),
        make_ctx({"rack_power_kw": 35}, spec=make_spec(nodes=2, racks=1, nodes_per_rack=2)),
    ),
    (
        "max-context-sizing",
        make_ctx({"size_for_max_context": True}),
        make_ctx({"size_for_max_context": False}),
    ),
    (
        "fp16-on-fp8-hardware",
        make_ctx({"precision": "bf16"}, spec=make_spec(precision="bf16"), arch="Hopper"),
        make_ctx({"precision": "bf16"}, spec=make_spec(precision="bf16", gpu="a100-80gb"), arch="Ampere"),
    ),
    (
        "fp8-on-ampere",
        make_ctx({"precision": "fp8"}, spec=make_spec(gpu="a100-80gb", weight_only=True), arch="Ampere"),
        make_ctx({"precision": "fp8"}, arch="Hopper"),
    ),
    (
        "concurrency-not-in-flight",
        make_ctx({"users": 1200}),
        make_ctx({"users": 1200, "peak_concurrency": 120}),
    ),
    (
        "slo-below-physics",
        make_ctx({"tpot_target_ms": 3}),
        make_ctx({"tpot_target_ms": 50, "ttft_target_ms": 500}),
    ),
    (
        "slo-as-fast-as-possible",
        make_ctx({"tpot_target_ms": 20}, rationale={"tpot_target_ms": "As fast as possible, please"}),
        make_ctx({"tpot_target_ms": 50}, rationale={"tpot_target_ms": "Faster than people read"}),
    ),
    (
        "serving-optimizations-off",
        make_ctx({"continuous_batching": True, "paged_attention": False, "prefix_caching": True}),
        make_ctx({"continuous_batching": True, "paged_attention": True, "prefix_caching": True}),
    ),
    (
        "speculative-without-evidence",
        make_ctx({"speculative_decoding": True, "speculative_speedup": 2.5}),
        make_ctx({"speculative_decoding": True, "speculative_speedup": 2.5, "speculative_evidence": True}),
    ),
    (
        "variants-without-lora",
        make_ctx({"finetuned_variants": 4, "lora_adapters": False}),
        make_ctx({"finetuned_variants": 4, "lora_adapters": True}),
    ),
    (
        "rack-power-short",
        make_ctx({"rack_power_kw": 8}),
        make_ctx({"rack_power_kw": 40}),
    ),
    (
        "cooling-short",
        make_ctx({"cooling": "air"}, spec=make_spec(cooling="rdhx", cooling_ok=False, rack_density_kw=30.6)),
        make_ctx({"cooling": "rdhx"}, spec=make_spec(cooling="rdhx", rack_density_kw=30.6)),
    ),
    (
        "replica-spans-nodes",
        make_ctx(
            {"fabric": "ethernet"},
            spec=make_spec(tensor_parallel=8, pipeline_parallel=2, gpus_per_replica=16),
        ),
        make_ctx(
            {"fabric": "infiniband"},
            spec=make_spec(tensor_parallel=8, pipeline_parallel=2, gpus_per_replica=16),
        ),
    ),
    (
        "model-does-not-fit",
        make_ctx({"gpu": "l4"}, spec=make_spec(feasible=False, infeasible_reason="weights exceed memory")),
        make_ctx({"gpu": "h100-sxm"}),
    ),
    (
        "no-maintenance-window",
        make_ctx({"maintenance_window": "none"}),
        make_ctx({"maintenance_window": "quarterly"}),
    ),
    (
        "no-dev-cluster",
        make_ctx({"dev_cluster": "none"}),
        make_ctx({"dev_cluster": "scaled-down"}),
    ),
    (
        "headroom-above-growth",
        make_ctx({"growth_headroom": 100, "expected_growth": 10}),
        make_ctx({"growth_headroom": 30, "expected_growth": 30}),
    ),
    (
        "business-case-payback",
        # $100k/month replaced, $5M setup: 66 months to pay back on 2-year hardware
        make_planned_ctx({"replaced_monthly_cost": 100_000, "setup_cost": 5e6, "hardware_life_years": 2}),
        make_planned_ctx({"replaced_monthly_cost": 100_000, "setup_cost": 1e5, "hardware_life_years": 2}),
    ),
    (
        "decision-by-non-owner",
        make_ctx({"model": "llama-3.3-70b"}, by={"model": "app_owner"}),
        make_ctx({"model": "llama-3.3-70b"}, by={"model": "ai_team"}),
    ),
    (
        "spec-not-signed-off",
        make_ctx(signoffs=(SignOff(role="ai_team", name="Sam", at=T0),)),
        make_ctx(),
    ),
    (
        "no-review-cadence",
        make_ctx(cadence=None),
        make_ctx(),
    ),
]


def test_every_rule_has_a_case() -> None:
    assert {case[0] for case in CASES} == set(RULES)


@pytest.mark.parametrize(("rule_id", "raising", "quiet"), CASES, ids=[c[0] for c in CASES])
def test_rule_raises_and_stays_quiet(rule_id: str, raising: FlagContext, quiet: FlagContext) -> None:
    check = RULES[rule_id].check
    flags = check(raising)
    assert flags, f"{rule_id} should fire"
    for flag in flags:
        assert flag.rule == rule_id
        assert flag.id == rule_id or flag.id.startswith(f"{rule_id}:")
        assert flag.message and flag.fix
        assert flag.severity in ("info", "warning", "critical")
    assert check(quiet) == [], f"{rule_id} should stay quiet"


def test_quiet_baseline_raises_nothing() -> None:
    """The default context of the table is clean, so each case isolates its rule."""
    from kickoff_tui.record import evaluate_flags

    assert evaluate_flags(make_ctx()) == []


def test_slo_below_physics_names_each_target() -> None:
    flags = RULES["slo-below-physics"].check(make_ctx({"tpot_target_ms": 3, "ttft_target_ms": 50}))
    assert {f.id for f in flags} == {"slo-below-physics:tpot", "slo-below-physics:ttft"}
    assert all(f.severity == "critical" and f.owner == "app_owner" for f in flags)
    assert "5.7" in flags[0].message


def test_ttft_floor_names_the_input_that_sets_it() -> None:
    limits = PhysicalLimits(best_tpot_ms=5.7, best_tpot_gpu="mi355x", best_ttft_ms=2_400.0,
                            best_ttft_gpu="b200", prefill_tokens=120_000, prefill_input="size_for_max_context")
    flags = RULES["slo-below-physics"].check(make_ctx({"ttft_target_ms": 1000},
                                                      spec=make_spec(physical_limits=limits)))
    assert [f.id for f in flags] == ["slo-below-physics:ttft"]
    assert "120,000 tokens" in flags[0].message and "size_for_max_context" in flags[0].message
    assert "avg_input_tokens" in flags[0].questions


def test_plan_below_spec_counts_whole_units_and_money() -> None:
    spec = make_spec(units=5, unit_name="DGX H100", unit_gpus=8, gpus_bought=40, total_gpus=37,
                     cost_per_month=120_000.0)
    flags = RULES["plan-below-spec"].check(make_ctx({"gpu_count_budget": 38, "monthly_budget_usd": 100_000},
                                                    spec=spec))
    assert {f.id for f in flags} == {"plan-below-spec:gpu-count", "plan-below-spec:budget"}
    assert all(f.owner == "it" and f.severity == "critical" for f in flags)
    assert "40" in flags[0].message and "5 x DGX H100" in flags[0].message
    assert RULES["plan-below-spec"].check(make_ctx({"gpu_count_budget": 40}, spec=spec)) == []


def test_input_near_max_context_is_raised_before_any_sizing() -> None:
    ctx = make_ctx({"avg_input_tokens": 70_000, "max_context_tokens": 131_072, "avg_output_tokens": 500})
    import dataclasses

    flags = RULES["input-near-max-context"].check(dataclasses.replace(ctx, spec=None))
    assert flags and flags[0].owner == "ai_team"


def test_variants_with_unconfirmed_lora_is_only_info() -> None:
    flags = RULES["variants-without-lora"].check(make_ctx({"finetuned_variants": 3}))
    assert [f.severity for f in flags] == ["info"]


def test_headroom_flags_an_oversized_gpu_budget() -> None:
    flags = RULES["headroom-above-growth"].check(make_ctx({"gpu_count_budget": 160}))
    assert [f.id for f in flags] == ["headroom-above-growth:gpu-count"]
    assert flags[0].owner == "it"
    assert RULES["headroom-above-growth"].check(make_ctx({"gpu_count_budget": 10})) == []


def test_headroom_without_stated_growth() -> None:
    flags = RULES["headroom-above-growth"].check(make_ctx({"growth_headroom": 80}))
    assert "no growth was stated" in flags[0].message


def test_rack_power_checks_planned_density_too() -> None:
    ctx = make_ctx({"rack_power_kw": 20}, spec=make_spec(rack_density_kw=30.6))
    assert RULES["rack-power-short"].check(ctx)


def test_replica_spanning_nodes_without_stated_fabric() -> None:
    spec = make_spec(gpus_per_replica=16, tensor_parallel=16, gpus_per_node=8)
    flags = RULES["replica-spans-nodes"].check(make_ctx(spec=spec))
    assert flags and "no fast fabric stated" in flags[0].message
    roce = make_ctx(spec=spec.model_copy(update={"scale_out_fabric": "RoCE 400G"}))
    assert RULES["replica-spans-nodes"].check(roce) == []


def test_model_does_not_fit_owner_depends_on_who_chose_the_sku() -> None:
    spec = make_spec(feasible=False, infeasible_reason="too big")
    assert RULES["model-does-not-fit"].check(make_ctx({"gpu": "l4"}, spec=spec))[0].owner == "it"
    assert RULES["model-does-not-fit"].check(make_ctx({"gpu": "recommend"}, spec=spec))[0].owner == "ai_team"


def test_spec_rules_are_silent_without_a_spec() -> None:
    ctx = make_ctx({"rack_power_kw": 1})
    ctx = FlagContext(
        questionnaire=ctx.questionnaire,
        answers=ctx.answers,
        inputs=ctx.inputs,
        spec=None,
        signoffs=SIGNED,
        cadence=CADENCE,
    )
    from kickoff_tui.record import evaluate_flags

    assert evaluate_flags(ctx) == []


# --- merging into records ---------------------------------------------------------------------------


def _flag(flag_id: str = "no-dev-cluster", message: str = "m") -> Flag:
    return Flag(id=flag_id, rule=flag_id, severity="warning", owner="it", message=message, fix="f")


def test_merge_opens_keeps_and_resolves() -> None:
    records = merge_flags([], [_flag()], T0)
    assert [(r.id, r.state, r.raised_at) for r in records] == [("no-dev-cluster", "open", T0)]

    acked = [records[0].model_copy(update={"state": "acknowledged", "by": "Priya", "reason": "budget"})]
    still = merge_flags(acked, [_flag(message="new words")], T1)
    assert still[0].state == "acknowledged" and still[0].message == "new words"

    gone = merge_flags(still, [], T1)
    assert gone[0].state == "resolved" and gone[0].reason == "no longer applies"
    assert gone[0].changed_at == T1 and gone[0].raised is False

    back = merge_flags(gone, [_flag()], T2)
    assert back[0].state == "open" and back[0].raised_at == T2 and back[0].by == ""


def test_merge_keeps_a_manual_resolution_while_raised() -> None:
    record = FlagRecord(
        id="no-dev-cluster", rule="no-dev-cluster", severity="warning", owner="it", message="m", fix="f",
        state="resolved", by="Priya", reason="dev boxes ordered", raised_at=T0, changed_at=T1,
    )
    kept = merge_flags([record], [_flag()], T2)
    assert kept[0].state == "resolved" and kept[0].by == "Priya"


def test_an_engine_without_a_build_for_the_vendor_is_not_called_a_memory_problem() -> None:
    """TensorRT-LLM on an MI300X: the flag names the engine and its fix, not "more memory"."""
    from kickoff_tui.app.demo import DEMO_PEOPLE
    from kickoff_tui.record import Session

    session = Session.new("t", participants=DEMO_PEOPLE)
    ai, it = session.participants[1], session.participants[2]
    session.record_answer("serving_engine", "tensorrt-llm", ai.name, ai.role, "")
    session.record_answer("gpu", "mi300x", it.name, it.role, "")
    flag = next(f for f in session.active_flags() if f.id == "model-does-not-fit")
    assert "TensorRT-LLM does not run on AMD GPUs" in flag.message
    assert "memory" not in flag.fix and "ROCm" in flag.fix
    assert flag.owner == "ai_team" and "serving_engine" in flag.questions
    # a real memory misfit keeps the memory advice
    spec = make_spec(feasible=False, infeasible_reason="too big")
    assert "more memory" in RULES["model-does-not-fit"].check(make_ctx({"gpu": "l4"}, spec=spec))[0].fix


def test_a_rack_feed_below_one_node_is_a_power_flag_not_a_cooling_one() -> None:
    """With direct liquid cooling answered and an 8 kW breaker rack, the app raised "H100 ...
    needs more than dlc cooling" (liquid is the top tier) and showed "air ✗ too weak": the power
    shortfall had been booked as a cooling one. It is the rack-power flag alone now."""
    from kickoff_tui.sizing import SizingInputs, size

    inputs = SizingInputs(model="llama-3.1-70b", gpu="h100-sxm", rack_power_kw=8, rack_power_basis="breaker",
                          cooling="dlc")
    spec = size(inputs)
    assert spec.cooling_ok and spec.nodes_per_rack == 0
    ctx = make_ctx({"rack_power_kw": 8, "rack_power_basis": "breaker", "cooling": "dlc"}, spec=spec)
    assert RULES["cooling-short"].check(ctx) == []
    assert RULES["rack-power-short"].check(ctx)


def test_the_cooling_flag_names_what_is_needed_and_what_is_there_in_words() -> None:
    ctx = make_ctx({"cooling": "air"}, spec=make_spec(cooling="rdhx", cooling_ok=False, rack_density_kw=30.6))
    message = RULES["cooling-short"].check(ctx)[0].message
    assert "needs rear-door heat exchanger; the facility offers air" in message, message
    assert "rdhx" not in message
