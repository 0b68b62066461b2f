"""Sensitivity: ranking by GPU-count change, bounds, toggles, speed."""

from __future__ import annotations

import math
import time

import pytest
from test_planning_helpers import make_spec

from kickoff_tui.errors import KickoffError
from kickoff_tui.planning import sensitivity
from kickoff_tui.planning.sensitivity import base_value
from kickoff_tui.sizing import SizedSpec, SizingInputs


class LinearSizer:
    """total GPUs = ceil(peak / 10) + ceil(output tokens / 100); TPOT target below 30 ms cannot be
    served; speculative decoding saves 2 GPUs. Everything else has no effect."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, inputs: SizingInputs) -> SizedSpec:
        self.calls += 1
        if (inputs.tpot_target_ms or 50) < 30:
            return make_spec(feasible=False, infeasible_reason="TPOT below the floor")
        gpus = math.ceil((inputs.peak_concurrency or 100) / 10) + math.ceil(
            (inputs.avg_output_tokens or 400) / 100
        )
        if inputs.speculative_decoding:
            gpus -= 2
        return make_spec(total_gpus=gpus)


INPUTS = SizingInputs(
    peak_concurrency=100, avg_output_tokens=400, tpot_target_ms=50, ttft_target_ms=1000
)


def test_ranking_by_hand():
    """base: ceil(100/10) + ceil(400/100) = 14 GPUs.
    tpot 25 ms -> cannot be served (ranks first); tpot 75 -> 14 (+0)
    peak 50 -> 5 + 4 = 9 (-5); peak 150 -> 15 + 4 = 19 (+5)        swing 5
    output 200 -> 10 + 2 = 12 (-2); output 600 -> 10 + 6 = 16 (+2)  swing 2
    speculative decoding off -> on: 12 (-2)                          swing 2
    """
    r = sensitivity(make_spec(), INPUTS, LinearSizer())
    assert r.baseline_gpus == 14
    order = [row.field for row in r.rows[:4]]
    assert order[0] == "tpot_target_ms" and order[1] == "peak_concurrency"
    assert set(order[2:]) == {"avg_output_tokens", "speculative_decoding"}
    rows = {row.field: row for row in r.rows}
    assert math.isinf(rows["tpot_target_ms"].swing)
    assert (
        rows["tpot_target_ms"].low.total_gpus is None
        and "cannot be served" in rows["tpot_target_ms"].low.note
    )
    assert (rows["peak_concurrency"].low.delta, rows["peak_concurrency"].high.delta) == (-5, 5)
    assert (rows["avg_output_tokens"].low.value, rows["avg_output_tokens"].high.value) == (
        "200",
        "600",
    )
    assert (
        rows["speculative_decoding"].high.delta == -2 and rows["speculative_decoding"].low is None
    )
    assert rows["ttft_target_ms"].swing == 0
    assert r.top(3)[0].field == "tpot_target_ms"
    assert rows["peak_concurrency"].owner == "application owner"


def test_values_stay_inside_the_input_bounds():
    inputs = SizingInputs(
        gpu_memory_utilization=0.9, prefix_hit_rate=0.8, burst_factor=1.5, users=100
    )
    r = sensitivity(make_spec(), inputs, LinearSizer())
    rows = {row.field: row for row in r.rows}
    assert rows["gpu_memory_utilization"].high.value == "0.99"
    assert rows["prefix_hit_rate"].high.value == "1"
    assert rows["burst_factor"].low.value == "1"
    assert "peak_concurrency" in r.skipped  # derived from users: users is varied instead
    assert "users" in rows


def test_invalid_combinations_are_reported_not_raised():
    """+50% input tokens breaks 'input + output <= max context': reported as not valid."""
    inputs = SizingInputs(avg_input_tokens=3000, avg_output_tokens=500, max_context_tokens=4000)
    r = sensitivity(make_spec(), inputs, LinearSizer())
    row = next(row for row in r.rows if row.field == "avg_input_tokens")
    assert row.high.total_gpus is None and "not a valid input" in row.high.note


def test_assumed_bases_come_from_the_spec():
    spec = make_spec(avg_input_tokens=2000, ttft_target_ms=1000)
    assert base_value("avg_input_tokens", SizingInputs(), spec) == (2000.0, True)
    assert base_value("peak_concurrency", SizingInputs(), spec) == (50.0, True)
    assert base_value("peak_concurrency", SizingInputs(users=10), spec) == (None, False)
    # an assumed peak with a burst: varied around the stated peak (the sizer applies the burst)
    burst = make_spec(peak_concurrency=64, stated_concurrency=32, burst_factor=2.0)
    assert base_value("peak_concurrency", SizingInputs(burst_factor=2.0), burst) == (32.0, True)
    assert base_value("tpot_target_ms", SizingInputs(tpot_target_ms=30), spec) == (30.0, False)


def test_sku_is_pinned():
    seen = []

    def sizer(inputs):
        seen.append(inputs.gpu)
        return make_spec(total_gpus=4)

    sensitivity(make_spec(gpu="b200"), SizingInputs(gpu="recommend"), sizer)
    assert set(seen) == {"b200"}


def test_infeasible_baseline_is_a_user_error():
    with pytest.raises(KickoffError, match="not feasible"):
        sensitivity(make_spec(), SizingInputs(tpot_target_ms=10), LinearSizer())


def test_chart_lists_changes():
    r = sensitivity(make_spec(), INPUTS, LinearSizer())
    lines = r.chart(n=3, width=10)
    assert "vs 14" in lines[0]
    assert "fails" in lines[1] and "-5" in lines[2] and "+5" in lines[2]


def test_real_sizer_is_fast_and_ranks_a_known_lever():
    """On a real workload: about 30 sizer calls, well under the time budget, and flipping off
    continuous batching (static batches) moves the GPU count more than the burst factor."""
    from kickoff_tui.sizing import size

    inputs = SizingInputs(
        model="llama-3.1-8b",
        gpu="l40s",
        peak_concurrency=64,
        avg_input_tokens=2000,
        avg_output_tokens=300,
        tpot_target_ms=50,
        ttft_target_ms=1000,
    )
    spec = size(inputs)
    start = time.perf_counter()
    r = sensitivity(spec, inputs)
    elapsed = time.perf_counter() - start
    assert r.calls <= 50
    assert elapsed < 5.0
    rows = {row.field: row for row in r.rows}
    assert rows["continuous_batching"].swing > 0
    assert rows["peak_concurrency"].high.delta >= 0 >= rows["peak_concurrency"].low.delta
    assert [row.swing for row in r.rows] == sorted((row.swing for row in r.rows), reverse=True)


def test_sensitivity_counts_gpus_bought_in_whole_units():
    """A sizer that buys 8-GPU nodes: needed = ceil(peak / 10), bought = 8 x ceil(needed / 8).
    Base peak 100 -> 10 needed, 16 bought; -50% -> 5 needed, 8 bought (-8); +50% -> 15 needed,
    16 bought (+0: the spare GPUs of today's node absorb it)."""

    def sizer(inputs: SizingInputs) -> SizedSpec:
        needed = math.ceil((inputs.peak_concurrency or 100) / 10)
        units = math.ceil(needed / 8)
        return make_spec(total_gpus=needed, gpus_bought=8 * units, units=units, unit_gpus=8)

    base = sizer(INPUTS)
    r = sensitivity(base, INPUTS, sizer)
    assert r.baseline_gpus == 16 and r.baseline_needed == 10
    row = next(x for x in r.rows if x.field == "peak_concurrency")
    assert (row.low.total_gpus, row.low.needed_gpus, row.low.delta) == (8, 5, -8)
    assert (row.high.total_gpus, row.high.needed_gpus, row.high.delta) == (16, 15, 0)
    assert "GPUs bought" in r.chart()[0]


def test_the_report_says_the_load_is_held_in_flight_only_when_it_was_answered_so() -> None:
    """With the load answered as requests in flight, shorter answers mean more requests a second:
    the report says so, as that reading (fewer tokens out, more GPUs) surprises."""
    spec = make_spec(total_gpus=14)
    held = sensitivity(spec, INPUTS, sizer=LinearSizer()).held
    assert "100 requests in flight" in held and "avg_output_tokens" in held
    by_rate = INPUTS.model_copy(update={"peak_concurrency": None, "requests_per_second": 5.0})
    assert sensitivity(spec, by_rate, sizer=LinearSizer()).held == ""


def test_each_inputs_owner_is_the_role_of_its_question() -> None:
    """The sensitivity table names the person to argue with: the role the shipped questionnaire
    gives the input's question (growth headroom is IT's, not the application owner's)."""
    from kickoff_tui.planning.sensitivity import OWNER
    from kickoff_tui.record.questionnaire import default_questionnaire

    words = {"app_owner": "application owner", "ai_team": "AI team", "it": "IT"}
    questionnaire = default_questionnaire()
    checked = 0
    for field, owner in OWNER.items():
        question = questionnaire.find(field)
        if question is None:
            continue
        assert owner == words[question.role], field
        checked += 1
    assert checked >= 25 and OWNER["growth_headroom"] == "IT"
