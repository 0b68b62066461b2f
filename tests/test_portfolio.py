"""The portfolio: several workloads on one shared fleet (issue 14, headless core)."""

from __future__ import annotations

import itertools
import json
import math
import random
from pathlib import Path

import pytest
import tomli_w
from hypothesis import given, settings
from hypothesis import strategies as st

from kickoff_tui.cli import main
from kickoff_tui.commands.sizing import load_inputs
from kickoff_tui.planning.history import (
    fit_growth,
    months_until,
    parse_history_csv,
    t_quantile_90,
)
from kickoff_tui.record.portfolio import (
    Portfolio,
    PortfolioError,
    demands,
    portfolio_from_data,
    portfolio_of_one,
)
from kickoff_tui.sizing import SizingInputs, size
from kickoff_tui.sizing.sizer import size_pinned
from kickoff_tui.sizing.portfolio import (
    ALL_HOURS,
    CLEARLY_CHEAPER,
    Demand,
    MixOption,
    MixTooLarge,
    Sizings,
    optimise_mix,
    rank_total,
    search_mix,
    size_portfolio,
)

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
EXAMPLES_N = int(__import__("os").environ.get("KICKOFF_HYP_EXAMPLES", 60))
SETTINGS = settings(max_examples=EXAMPLES_N, deadline=None)
SLOW_SETTINGS = settings(max_examples=max(10, EXAMPLES_N // 3), deadline=None)

SIZINGS = Sizings()
"""One memo for the whole module: the sizer is pure, so identical inputs give identical specs."""

IT = dict(rack_power_kw=35, cooling="rdhx", price_basis="reserved-1y")
SKUS = ["h100-sxm", "mi300x"]
"""Two SKUs keep the property tests fast; the mix logic still runs (two SKUs, both orders)."""


def hours(text: str | None) -> frozenset[int]:
    from kickoff_tui.record.portfolio import peak_hour_set

    return peak_hour_set(text)


# ----------------------------------------------------------------------------------------------
# a portfolio of one is today's spec
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["chat-assistant.toml", "dgx-b200-35kw.toml", "agent-speculative.toml",
                                  "max-context-trap.toml", "session-support-assistant.toml",
                                  "half-answered.toml"])
def test_portfolio_of_one_is_the_single_workload_spec(name):
    inputs, _ = load_inputs(str(EXAMPLES / name))
    single = size(inputs)
    portfolio = portfolio_of_one(inputs, title=name)
    spec = size_portfolio(demands(portfolio), portfolio.platform.gpu_candidates, SIZINGS)
    assert spec.feasible == single.feasible
    if not single.feasible:
        return
    pool = spec.fleet.pools[0]
    assert len(spec.fleet.pools) == 1
    assert (pool.gpu, pool.total_gpus, pool.nodes, pool.racks, pool.it_power_kw, pool.cost_per_month,
            pool.cooling) == (single.gpu, single.total_gpus, single.nodes, single.racks,
                              single.it_power_kw, single.cost_per_month, single.cooling)
    work = spec.workloads[0]
    assert (work.replicas, work.tensor_parallel, work.concurrency_per_replica, work.total_gpus) == (
        single.replicas, single.tensor_parallel, single.concurrency_per_replica, single.total_gpus)
    assert spec.saving_shared_replicas_gpus == spec.saving_peaks_gpus == 0


def test_portfolio_of_one_without_a_fixed_sku_picks_the_recommended_one():
    inputs = SizingInputs(use_case="chat", model="llama-3.1-8b", peak_concurrency=300, **IT)
    single = size(inputs)
    spec = size_portfolio([Demand("chat", inputs)], None, SIZINGS)
    assert spec.fleet.pools[0].gpu == single.recommended
    assert spec.fleet.cost_per_month == single.cost_per_month
    assert spec.fleet.total_gpus == single.total_gpus


def test_single_sizing_file_loads_as_a_portfolio_of_one():
    inputs, _ = load_inputs(str(EXAMPLES / "chat-assistant.toml"))
    portfolio = portfolio_of_one(inputs, title="Employee chat assistant")
    assert portfolio.platform.gpu_candidates == ["h100-sxm"]
    assert portfolio.workloads[0].name == "Employee chat assistant"
    assert portfolio.inputs_for(portfolio.workloads[0]) == inputs.model_copy(update={"gpu": None})


# ----------------------------------------------------------------------------------------------
# properties: adding a workload, peaks that do not coincide
# ----------------------------------------------------------------------------------------------

CONFIGS = [
    dict(use_case="chat", model="llama-3.1-8b", precision="fp8", ttft_target_ms=1000, tpot_target_ms=50),
    dict(use_case="batch", model="llama-3.1-8b", precision="fp8", avg_input_tokens=1200,
         avg_output_tokens=16, ttft_target_ms=5000, tpot_target_ms=100),
    dict(use_case="rag", model="llama-3.1-8b", precision="fp8", finetuned_variants=3, lora_adapters=True),
    dict(use_case="chat", model="qwen3-8b", precision="fp8", redundancy="none"),
    dict(use_case="agent", model="qwen3-30b-a3b", precision="fp8"),
]
WINDOWS = [None, "08-18", "01-05", "22-06"]

workload = st.builds(
    lambda config, peak, window, off: (config, peak, window, off),
    st.integers(0, len(CONFIGS) - 1), st.sampled_from([8, 40, 150]), st.sampled_from(WINDOWS),
    st.sampled_from([None, 0.0, 0.3]),
)


def demand(i: int, spec: tuple) -> Demand:
    config, peak, window, off = spec
    inputs = SizingInputs(peak_concurrency=peak, **CONFIGS[config], **IT)
    return Demand(f"w{i}", inputs, hours(window), off)


def fleet(ds: list[Demand]):
    return size_portfolio(ds, SKUS, SIZINGS)


@SLOW_SETTINGS
@given(st.lists(workload, min_size=1, max_size=3), workload)
def test_adding_a_workload_never_lowers_the_fleet(base, extra):
    ds = [demand(i, w) for i, w in enumerate(base)]
    before = fleet(ds)
    after = fleet(ds + [demand(len(ds), extra)])
    if not before.feasible:
        assert not after.feasible
        return
    if after.feasible:
        assert after.fleet.cost_per_month >= before.fleet.cost_per_month
    per_sku_before = {o.label: o for o in before.single_sku}
    for option in after.single_sku:
        old = per_sku_before[option.label]
        if option.feasible and old.feasible:
            assert option.total_gpus >= old.total_gpus
            assert option.nodes >= old.nodes or option.total_gpus > old.total_gpus


@SLOW_SETTINGS
@given(st.lists(workload, min_size=1, max_size=3))
def test_peaks_that_do_not_coincide_need_no_more_than_the_sum(ws):
    ds = [demand(i, w) for i, w in enumerate(ws)]
    all_day = [Demand(d.name, d.inputs) for d in ds]
    windowed, flat = fleet(ds), fleet(all_day)
    flat_by_label = {o.label: o for o in flat.single_sku}
    assert sorted(flat_by_label) == sorted(o.label for o in windowed.single_sku)
    for a in windowed.single_sku:  # the same SKUs, listed cheapest first (orders may differ)
        b = flat_by_label[a.label]
        if a.feasible and b.feasible:
            pool = a.pools[0]
            assert pool.total_gpus <= pool.pooled_gpus <= pool.separate_gpus
            assert a.total_gpus <= b.total_gpus
    if flat.feasible:
        assert windowed.feasible and windowed.fleet.cost_per_month <= flat.fleet.cost_per_month


def test_a_nightly_batch_and_a_daytime_chat_share_the_fleet():
    chat = SizingInputs(peak_concurrency=150, **CONFIGS[0], **IT)
    batch = SizingInputs(peak_concurrency=150, **CONFIGS[3], **IT)
    day = Demand("chat", chat, hours("08-18"), 0.0)
    night = Demand("batch", batch, hours("01-05"), 0.0)
    spec = size_portfolio([day, night], ["h100-sxm"], SIZINGS)
    alone = [SIZINGS.on(chat, "h100-sxm").total_gpus, SIZINGS.on(batch, "h100-sxm").total_gpus]
    assert spec.separate_gpus == sum(alone)
    assert spec.fleet.total_gpus == max(alone)  # never both at their peak
    assert spec.saving_peaks_gpus == min(alone)
    # the same two, peaking together, need the sum
    together = size_portfolio([Demand("chat", chat), Demand("batch", batch)], ["h100-sxm"], SIZINGS)
    assert together.fleet.total_gpus == sum(alone)


def test_same_model_workloads_share_replicas_and_loras_ride_along():
    a = SizingInputs(peak_concurrency=40, **CONFIGS[0], **IT)
    b = SizingInputs(peak_concurrency=40, use_case="chat", model="llama-3.1-8b", precision="fp8",
                     ttft_target_ms=1000, tpot_target_ms=50, finetuned_variants=2, lora_adapters=True, **IT)
    spec = size_portfolio([Demand("a", a), Demand("b", b)], ["h100-sxm"], SIZINGS)
    assert spec.pooled_gpus < spec.separate_gpus  # one N+1 spare instead of two
    assert spec.saving_shared_replicas_gpus == spec.separate_gpus - spec.pooled_gpus
    by_name = {w.name: w for w in spec.workloads}
    assert by_name["a"].shares_with == ["b"] and by_name["b"].shares_with == ["a"]


def test_full_fine_tunes_never_share():
    a = SizingInputs(peak_concurrency=40, **CONFIGS[0], **IT)
    b = a.model_copy(update={"finetuned_variants": 2, "lora_adapters": False})
    spec = size_portfolio([Demand("a", a), Demand("b", b)], ["h100-sxm"], SIZINGS)
    assert spec.pooled_gpus == spec.separate_gpus
    assert all(not w.shares_with for w in spec.workloads)


def test_a_second_sku_only_when_clearly_cheaper():
    it = dict(rack_power_kw=35, price_basis="on-demand")
    # the chat workload fills its 8-GPU instance exactly, so the small one cannot ride in spare
    # GPUs of the H100 fleet for free (then staying on H100 would be the cheaper answer)
    chat = SizingInputs(use_case="chat", model="llama-3.3-70b", precision="fp8", peak_concurrency=140, **it)
    assert SIZINGS.on(chat, "h100-sxm").spare_gpus == 0
    small = SizingInputs(use_case="batch", model="llama-3.2-1b", precision="fp8", peak_concurrency=20,
                         avg_input_tokens=500, avg_output_tokens=50, ttft_target_ms=10000,
                         tpot_target_ms=200, **it)
    spec = size_portfolio([Demand("chat", chat), Demand("small", small)], ["h100-sxm", "l40s"], SIZINGS)
    alone_h100 = SIZINGS.on(small, "h100-sxm").cost_per_month
    alone_l40s = SIZINGS.on(small, "l40s").cost_per_month
    assert alone_l40s < (1 - CLEARLY_CHEAPER) * alone_h100
    assert spec.fleet.label == "h100-sxm + l40s"
    assert [p.workloads for p in spec.fleet.pools] == [["chat"], ["small"]]
    assert spec.fleet.cost_per_month < next(o for o in spec.single_sku if o.label == "h100-sxm").cost_per_month
    assert "small on l40s" in spec.mix_considered


# ----------------------------------------------------------------------------------------------
# the model mix under a budget
# ----------------------------------------------------------------------------------------------


def brute_force(ranks, cost_of, budget):
    combos = list(itertools.product(*(range(len(r)) for r in ranks)))
    costs = {c: cost_of(c) for c in combos}
    valid = [c for c in combos if costs[c] is not None and costs[c] <= budget]
    if valid:
        return min(valid, key=lambda c: (rank_total(ranks, c), costs[c], c)), None
    feasible = [c for c in combos if costs[c] is not None]
    return None, (min(feasible, key=lambda c: (costs[c], rank_total(ranks, c), c)) if feasible else None)


@st.composite
def mix_case(draw):
    workloads = draw(st.integers(1, 4))
    ranks = [draw(st.lists(st.integers(1, 4), min_size=1, max_size=3)) for _ in range(workloads)]
    base = [[draw(st.one_of(st.none(), st.integers(1, 50))) for _ in r] for r in ranks]
    shared = draw(st.integers(0, 20))
    budget = draw(st.integers(1, 150))

    def cost_of(combo):
        parts = [base[w][i] for w, i in enumerate(combo)]
        if any(p is None for p in parts):
            return None
        # not additive: workloads on the same candidate index share a fixed cost once
        return float(sum(parts) + shared * len(set(combo)))

    return ranks, cost_of, budget


@SETTINGS
@given(mix_case())
def test_budget_search_matches_brute_force(case):
    ranks, cost_of, budget = case
    result = search_mix(ranks, cost_of, budget)
    best, cheapest = brute_force(ranks, cost_of, budget)
    assert result.best == best
    if best is None:
        assert result.cheapest == cheapest
        assert result.evaluated == result.combinations  # exhaustive when nothing fits


def test_budget_search_refuses_too_many_combinations():
    with pytest.raises(MixTooLarge, match="exhaustively"):
        search_mix([[1, 2, 3]] * 9, lambda c: 1.0, 10.0, cap=10_000)  # 3^9 = 19,683


def _mix_portfolio():
    ds = [
        Demand("chat", SizingInputs(peak_concurrency=60, **CONFIGS[0], **IT), hours("08-18"), 0.2),
        Demand("agent", SizingInputs(peak_concurrency=20, **CONFIGS[4], **IT), hours("09-17"), 0.1),
    ]
    options = [
        [MixOption("llama-3.3-70b", 1, "fp8"), MixOption("llama-3.1-8b", 2, "fp8")],
        [MixOption("qwen3-235b-a22b", 1, "fp8"), MixOption("qwen3-30b-a3b", 2, "fp8")],
    ]
    return ds, options


def test_optimiser_on_the_real_sizer_matches_brute_force():
    from kickoff_tui.sizing.portfolio import apply_option

    ds, options = _mix_portfolio()
    costs = {}
    for combo in itertools.product(range(2), range(2)):
        spec = size_portfolio([apply_option(d, options[w][i]) for w, (d, i) in enumerate(zip(ds, combo))],
                              ["h100-sxm"], SIZINGS)
        costs[combo] = spec.fleet.cost_per_month if spec.feasible else None
    ranks = [[o.quality_rank for o in opts] for opts in options]
    for budget in sorted({c for c in costs.values() if c is not None}) + [1.0]:
        choice = optimise_mix(ds, options, budget, ["h100-sxm"], SIZINGS)
        best, _ = brute_force(ranks, costs.get, budget)
        if best is None:
            assert not choice.feasible
            continue
        assert choice.feasible
        assert [a.model for a in choice.assignment] == [options[w][i].model for w, i in enumerate(best)]
        assert choice.cost_per_month == costs[best] <= budget
        held = [a.workload for a in choice.assignment if a.quality_rank > a.best_rank]
        if held:
            assert choice.binding_workload in held
            assert "over the budget" in choice.binding_note
        else:
            assert "first choice" in choice.binding_note


# ----------------------------------------------------------------------------------------------
# growth from history
# ----------------------------------------------------------------------------------------------


def test_growth_fit_recovers_a_known_rate():
    exact = [1000 * 1.07**t for t in range(12)]
    fit = fit_growth(exact)
    assert fit.monthly_rate == pytest.approx(0.07, abs=1e-9)
    assert fit.slope_se == pytest.approx(0.0, abs=1e-9)
    rng = random.Random(14)
    hits = 0
    for _ in range(200):
        noisy = [1000 * 1.05**t * math.exp(rng.gauss(0, 0.05)) for t in range(18)]
        fit = fit_growth(noisy)
        hits += fit.rate_low <= 0.05 <= fit.rate_high
    assert 0.70 <= hits / 200 <= 0.90  # an 80% interval covers the true rate ~80% of the time


def test_growth_fit_standard_error_by_hand():
    fit = fit_growth([math.exp(0), math.exp(1), math.exp(3)])
    # b = 1.5, residuals 1/6, -1/3, 1/6: SSE = 1/6, se = sqrt(SSE / 1 / Sxx=2)
    assert fit.slope == pytest.approx(1.5)
    assert fit.slope_se == pytest.approx(math.sqrt(1 / 12))
    assert fit.rate_high == pytest.approx(math.expm1(1.5 + t_quantile_90(1) * math.sqrt(1 / 12)))


def test_growth_fit_refuses_what_it_cannot_fit():
    with pytest.raises(ValueError, match="at least 3"):
        fit_growth([10, 20])
    with pytest.raises(ValueError, match="log"):
        fit_growth([10, 0, 30, 40])
    assert fit_growth([0, 0, 10, 20, 40]).dropped_leading_zeros == 2


def test_months_until():
    assert months_until(1.5, 0.1) == 5  # 1.1^4 = 1.46, 1.1^5 = 1.61
    assert months_until(0.9, 0.1) == 0
    assert months_until(2.0, 0.0) is None
    assert months_until(1000.0, 0.01, horizon=24) is None


def test_history_csv():
    assert parse_history_csv("month,requests\n2026-01,100\n2026-02,110\n2026-03,121\n") == [100, 110, 121]
    assert parse_history_csv("# monthly\n5\n6\n7\n") == [5, 6, 7]
    with pytest.raises(ValueError, match="follow each other"):
        parse_history_csv("2026-01,1\n2026-03,2\n2026-04,3\n")
    with pytest.raises(ValueError, match="not a number"):
        parse_history_csv("month,requests\n2026-01,lots\n")


def test_history_csv_is_read_only_next_to_the_portfolio(tmp_path):
    (tmp_path / "chat.csv").write_text("month,requests\n2026-01,100\n2026-02,120\n2026-03,150\n")
    data = {"workloads": [{"name": "chat", "history_csv": "chat.csv", "peak_concurrency": 10}]}
    portfolio = portfolio_from_data(data, base_dir=tmp_path)
    assert portfolio.workloads[0].history == [100, 120, 150]
    data["workloads"][0]["history_csv"] = "../outside.csv"
    with pytest.raises(PortfolioError, match="folder"):
        portfolio_from_data(data, base_dir=tmp_path)
    import os

    os.mkfifo(tmp_path / "pipe.csv")  # would block a plain read forever
    data["workloads"][0]["history_csv"] = "pipe.csv"
    with pytest.raises(PortfolioError, match="not a regular file"):
        portfolio_from_data(data, base_dir=tmp_path)


# ----------------------------------------------------------------------------------------------
# the file and the CLI
# ----------------------------------------------------------------------------------------------


def run_cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_example_portfolio(capsys):
    code, out, err = run_cli(capsys, "portfolio", str(EXAMPLES / "portfolio.toml"), "--json")
    assert code == 0, err
    data = json.loads(out)
    spec = data["portfolio"]
    assert [w["name"] for w in spec["workloads"]] == ["chat assistant", "ticket classifier", "coding agent"]
    assert spec["feasible"] and spec["saving_peaks_gpus"] > 0
    assert spec["fleet"]["total_gpus"] < spec["separate_gpus"]
    assert data["mix"]["feasible"] and data["growth"]["fleet_outgrows_month"] is not None
    models = {w["name"]: w["model"] for w in spec["workloads"]}
    assert models["coding agent"] == "qwen3-235b-a22b"  # a MoE model
    # the best two-SKU mix ties the single SKU here (whole nodes at catalog prices): said so,
    # rather than two equal figures that read as if the mix were dearer
    assert "(b200 + mi300x) would cost the same, $66,226/month" in spec["mix_considered"]


def test_example_portfolio_table_and_size_route(capsys):
    code, out, _ = run_cli(capsys, "portfolio", str(EXAMPLES / "portfolio.toml"), "--budget", "20000")
    assert code == 0
    assert "Shared fleet" in out and "Consolidation" in out and "budget binds on" in out
    assert "Growth from history" in out
    code, out, _ = run_cli(capsys, "size", str(EXAMPLES / "portfolio.toml"))
    assert code == 0 and "Shared fleet" in out


def test_gpus_saved_at_the_same_cost_are_explained(capsys):
    """Sharing saves 3 GPUs in the example but both plans fill the same 8 nodes: the consolidation
    line says why the cost did not move; a saving that is also cheaper, or none, adds nothing."""
    from kickoff_tui.sizing.portfolio import PortfolioSpec

    code, out, _ = run_cli(capsys, "portfolio", str(EXAMPLES / "portfolio.toml"), "--json")
    spec = PortfolioSpec.model_validate(json.loads(out)["portfolio"])
    assert spec.fleet.total_gpus < spec.separate_gpus
    assert "the same cost" in spec.same_cost_note()
    dearer = spec.model_copy(update={"separate_cost_per_month": spec.separate_cost_per_month + 8000})
    assert dearer.same_cost_note() == ""
    no_saving = spec.model_copy(update={"separate_gpus": spec.fleet.total_gpus})
    assert no_saving.same_cost_note() == ""
    code, out, _ = run_cli(capsys, "portfolio", str(EXAMPLES / "portfolio.toml"))
    assert "the same cost: both round up to the same whole nodes" in " ".join(out.split())


def test_a_budget_nothing_fits_exits_1(capsys):
    code, out, _ = run_cli(capsys, "portfolio", str(EXAMPLES / "portfolio.toml"), "--budget", "100")
    assert code == 1 and "Nothing fits the budget" in out


def test_single_workload_files_run_as_a_portfolio_of_one(capsys):
    for name in ("chat-assistant.toml", "session-support-assistant.toml"):
        code, out, err = run_cli(capsys, "portfolio", str(EXAMPLES / name))
        assert code == 0, err
        assert "Shared fleet" in out


def test_portfolio_round_trips_through_toml():
    import tomllib

    text = (EXAMPLES / "portfolio.toml").read_text("utf-8")
    portfolio = portfolio_from_data(tomllib.loads(text))
    again = portfolio_from_data(tomllib.loads(tomli_w.dumps(portfolio.to_toml_dict())))
    assert again == portfolio


def _workload(**extra):
    return {"name": "chat", "peak_concurrency": 10, **extra}


HOSTILE = {
    "not toml": "workloads = [",
    "workloads not a list": 'workloads = "chat"',
    "no workloads": "workloads = []",
    "workload not a table": "workloads = [1, 2]",
    "unknown key": {"workloads": [_workload(colour="blue")]},
    "IT answer in a workload": {"workloads": [_workload(rack_power_kw=30)]},
    "workload answer in the platform": {"platform": {"peak_concurrency": 3}, "workloads": [_workload()]},
    "negative traffic": {"workloads": [_workload(peak_concurrency=-1)]},
    "bad peak window": {"workloads": [_workload(peak_hours="25-03")]},
    "empty peak window": {"workloads": [_workload(peak_hours="08-08")]},
    "off-peak above 1": {"workloads": [_workload(off_peak_fraction=3)]},
    "duplicate names": {"workloads": [_workload(), _workload(name="CHAT")]},
    "too many workloads": {"workloads": [_workload(name=f"w{i}") for i in range(40)]},
    "unknown model": {"workloads": [_workload(model="gpt-17")]},
    "unknown gpu": {"platform": {"gpu_candidates": ["tpu-v9"]}, "workloads": [_workload()]},
    "unknown precision": {"workloads": [_workload(precision="fp7")]},
    "negative history": {"workloads": [_workload(history=[1, -5, 3])]},
    "history too long": {"workloads": [_workload(history=[1.0] * 500)]},
    "history file escapes": {"workloads": [_workload(history_csv="../../../etc/passwd")]},
    "history file missing": {"workloads": [_workload(history_csv="nope.csv")]},
    "newer schema": {"schema_version": 99, "workloads": [_workload()]},
    "negative budget": {"budget_usd_per_month": -5, "workloads": [_workload()]},
    "huge name": {"workloads": [_workload(name="x" * 5000)]},
    "control characters in a name": {"workloads": [_workload(name="chat\x1b[31m")]},
    "too many candidates": {"workloads": [_workload(candidates=[
        {"model": "llama-3.1-8b", "precision": p, "quality_rank": 1} for p in
        ("fp8", "bf16", "fp16", "int8", "int4", "fp4", "fp8 ", " fp8", "fp16 ")])]},
    "rank zero": {"workloads": [_workload(candidates=[{"model": "llama-3.1-8b", "quality_rank": 0}])]},
    "answers table": {"workloads": [{"name": "chat", "answers": {"peak_concurrency": 3}}]},
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_portfolio_files_exit_2(case, tmp_path, capsys):
    content = HOSTILE[case]
    path = tmp_path / "hostile.toml"
    path.write_text(content if isinstance(content, str) else tomli_w.dumps(content), "utf-8")
    code, out, err = run_cli(capsys, "portfolio", str(path))
    assert code == 2, (case, out, err)
    assert err.count("\n") == 1 and "Traceback" not in err and err.startswith("kickoff: ")
    assert "\x1b" not in err


def test_too_many_assignments_exit_2(tmp_path, capsys):
    models = ["llama-3.1-8b", "qwen3-8b", "mistral-7b", "qwen2.5-7b", "gemma-2-9b", "phi-4",
              "llama-3.2-3b", "qwen3-30b-a3b"]
    data = {"budget_usd_per_month": 1e6, "platform": {"gpu_candidates": ["h100-sxm"]},
            "workloads": [_workload(name=f"w{i}", candidates=[
                {"model": m, "quality_rank": r + 1} for r, m in enumerate(models)]) for i in range(5)]}
    path = tmp_path / "big.toml"
    path.write_text(tomli_w.dumps(data), "utf-8")
    code, _, err = run_cli(capsys, "portfolio", str(path))
    assert code == 2 and "32,768" in err and "exhaustively" in err


def test_bad_budget_option_exits_2(capsys):
    for value in ("nan", "-3", "0"):
        code, _, err = run_cli(capsys, "portfolio", str(EXAMPLES / "portfolio.toml"), "--budget", value)
        assert code == 2 and "--budget" in err


def test_portfolio_model_refuses_it_fields_per_workload():
    with pytest.raises(ValueError):
        Portfolio.model_validate({"workloads": [_workload(gpu="h100-sxm")]})
    assert demands(Portfolio.model_validate({"workloads": [_workload()]}))[0].peak_hours == ALL_HOURS


def test_deploy_writes_one_folder_per_workload(tmp_path, capsys):
    code, _, err = run_cli(capsys, "deploy", str(EXAMPLES / "portfolio.toml"), "--out", str(tmp_path))
    assert code == 0, err
    folders = sorted(p.name for p in tmp_path.iterdir())
    assert folders == ["chat-assistant", "coding-agent", "ticket-classifier"]
    from kickoff_tui.commands.portfolio import load_portfolio

    portfolio = load_portfolio(str(EXAMPLES / "portfolio.toml"))
    spec = size_portfolio(demands(portfolio), portfolio.platform.gpu_candidates, SIZINGS)
    manifest = (tmp_path / "chat-assistant" / "kubernetes.yaml").read_text("utf-8")
    assert "name: chat-assistant" in manifest
    folder = "\n".join(p.read_text("utf-8") for p in (tmp_path / "chat-assistant").iterdir())
    assert str(spec.workloads[0].replicas) in folder


def test_workload_slugs_are_unique():
    from kickoff_tui.commands.portfolio import workload_slug

    taken: set[str] = set()
    assert [workload_slug(n, taken) for n in ("Chat (EU)", "chat eu", "///")] == ["chat-eu", "chat-eu-2", "workload"]


def test_shared_model_example_saves_replicas(capsys):
    code, out, err = run_cli(capsys, "portfolio", str(EXAMPLES / "portfolio-shared-model.toml"), "--json")
    assert code == 0, err
    spec = json.loads(out)["portfolio"]
    assert spec["saving_shared_replicas_gpus"] > 0
    assert spec["fleet"]["pools"][0]["shared_deployments"] == [["ticket classifier", "reply drafts"]]


single_inputs = st.builds(
    SizingInputs,
    use_case=st.sampled_from(["chat", "rag", "agent", "batch"]),
    model=st.sampled_from(["llama-3.1-8b", "llama-3.3-70b", "qwen3-30b-a3b", "mixtral-8x7b"]),
    peak_concurrency=st.integers(1, 400),
    redundancy=st.sampled_from(["none", "n+1", "spare-node", "2n"]),
    growth_headroom=st.sampled_from([None, 0.0, 0.3]),
    gpu=st.sampled_from([None, "h100-sxm", "mi300x", "l40s", "b200"]),
    rack_power_kw=st.sampled_from([None, 15.0, 35.0, 120.0]),
    cooling=st.sampled_from([None, "air", "dlc"]),
    price_basis=st.sampled_from([None, "on-demand", "reserved-3y", "purchase"]),
)


@SLOW_SETTINGS
@given(single_inputs)
def test_any_portfolio_of_one_is_the_single_workload_spec(inputs):
    single = size(inputs)
    portfolio = portfolio_of_one(inputs)
    spec = size_portfolio(demands(portfolio), portfolio.platform.gpu_candidates, SIZINGS)
    viable = single.feasible and (inputs.gpu is not None or bool(single.recommended))
    if inputs.gpu is not None:
        option = next(o for o in single.comparison if o.gpu == inputs.gpu)
        viable = option.fits and option.cost_per_month is not None
    assert spec.feasible == viable
    if viable:
        pool = spec.fleet.pools[0]
        assert (pool.gpu, pool.total_gpus, pool.nodes, pool.racks, pool.it_power_kw,
                pool.cost_per_month) == (single.gpu, single.total_gpus, single.nodes, single.racks,
                                         single.it_power_kw, single.cost_per_month)


def test_error_bands_are_summed_when_the_spec_has_them():
    from kickoff_tui.sizing.portfolio import spec_gpu_band

    class Banded:
        total_gpus_low, total_gpus_high = 10, 14

    class Open:
        total_gpus_low, total_gpus_high = 10, None

    assert spec_gpu_band(Banded()) == (10.0, 14.0)
    assert spec_gpu_band(Open()) == (10.0, None)
    assert spec_gpu_band(object()) is None

    def banded(inputs):
        spec = size_pinned(inputs)
        return spec.model_copy(update={"total_gpus_low": spec.total_gpus - 1,
                                       "total_gpus_high": spec.total_gpus + 2}) if spec.feasible else spec

    sizings = Sizings(banded)  # model_copy(update=...) sets the band fields on any branch
    a = SizingInputs(peak_concurrency=40, **CONFIGS[0], **IT)
    b = SizingInputs(peak_concurrency=40, **CONFIGS[4], **IT)
    spec = size_portfolio([Demand("a", a), Demand("b", b)], ["h100-sxm"], sizings)
    low, high = spec.fleet.pools[0].gpu_band
    assert low == spec.separate_gpus - 2 and high == spec.separate_gpus + 4  # no sharing here


def test_a_pool_the_facility_cannot_cool_names_both_tiers_in_words():
    """An air-cooled room and MI355X (liquid-cooled systems only): the pool's note names the
    tiers in words, as the single-workload spec does, not as ``dlc`` / ``air``."""
    inputs = SizingInputs(use_case="chat", model="llama-3.1-8b", peak_concurrency=300,
                          **{**IT, "cooling": "air"})
    spec = size_portfolio([Demand("chat", inputs)], ["mi355x"], SIZINGS)
    notes = " ".join(n for o in spec.single_sku for p in o.pools for n in p.notes)
    assert "need direct liquid cooling; the facility offers air" in notes, notes
    assert "need dlc" not in notes


def test_a_sku_that_misses_every_target_names_the_layout_that_came_closest(capsys):
    """L40S: TP8 is the slowest layout for TTFT over PCIe, yet its 8.8 s figure was the reason
    given; the reason is now the closest miss, and a cut reason ends in "…" not mid-word."""
    code, out, _ = run_cli(capsys, "portfolio", str(EXAMPLES / "portfolio.toml"))
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("│ l40s "))
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("└"))
    cell = " ".join(line.rsplit("│", 2)[-2].strip() for line in lines[start:end])
    assert "TTFT at one request is 8806 ms" not in out
    assert "TPOT at one request is 60 ms (p95) > target 50 ms" in cell
    assert cell.endswith("…"), cell


@pytest.mark.parametrize("history", [[1, 1, 1e15], [1, 1000, 1_000_000], [5e-324, 5e-324, 1e15]])
def test_a_history_that_grows_beyond_any_plan_is_named_not_an_overflow(tmp_path, capsys, history):
    """[1, 1, 1e15] requests a month overflowed the fit (math.expm1) and the fleet projection
    ((1 + r) ** month): "unexpected error", exit 1. The workload's row now says why it has no
    fit, and the others are projected as usual."""
    with pytest.raises(ValueError, match=r"grows faster than \+1,000% a month"):
        fit_growth(history)
    path = tmp_path / "p.toml"
    path.write_text(tomli_w.dumps({
        "growth_months": 120, "platform": {"gpu_candidates": ["h100-sxm"]},
        "workloads": [{"name": "chat", "use_case": "chat", "peak_concurrency": 10, "model": "llama-3.1-8b",
                       "history": history}],
    }))
    assert main(["portfolio", str(path)]) == 0
    captured = capsys.readouterr()
    assert "unexpected" not in captured.err and "grows faster than +1,000% a month" in " ".join(captured.out.split())


def test_a_noisy_history_on_a_long_horizon_projects_without_overflow():
    """A noisy three-month history has a wide interval; its upper end compounded over 120 months
    passed 1e308. The projection is bounded (that end of the interval is long outgrown)."""
    from kickoff_tui.sizing.portfolio import MAX_GROWTH_EXPONENT, compounded

    fit = fit_growth([1, 3, 1, 3])
    assert math.isfinite(fit.rate_high) and fit.rate_low < fit.monthly_rate < fit.rate_high
    assert compounded(fit.rate_high, 120) == pytest.approx(math.exp(min(120 * math.log1p(fit.rate_high),
                                                                          MAX_GROWTH_EXPONENT)))
    assert compounded(0.05, 12) == pytest.approx(1.05 ** 12)
    assert math.isfinite(compounded(1e300, 120))


@pytest.mark.parametrize("twin", ["chat  assistant", "chat assistant ", "Chat Assistant"])
def test_workload_names_that_read_the_same_are_one_name(tmp_path, capsys, twin):
    """"chat assistant", "chat  assistant" and "chat assistant " were three workloads that read
    the same in every table; case was already folded, spaces now are too."""
    text = (Path(__file__).resolve().parents[1] / "examples" / "portfolio.toml").read_text(encoding="utf-8")
    assert 'name = "ticket classifier"' in text
    path = tmp_path / "p.toml"
    path.write_text(text.replace('name = "ticket classifier"', f'name = "{twin}"', 1), encoding="utf-8")
    assert main(["portfolio", str(path)]) == 2
    assert "two workloads are named 'chat assistant'" in capsys.readouterr().err.casefold()


def test_two_long_workload_names_deploy_under_distinct_valid_names(tmp_path, capsys):
    """Two valid 60-character names that share their first 40 characters were refused with
    "--name 'www...-2': at most 40 characters" (no --name had been given): the suffix went past
    the limit. It is cut from the base now."""
    from kickoff_tui.planning.deploy import MAX_BASE_NAME, workload_slug

    taken: set[str] = set()
    first, second = workload_slug("w" * 60, taken), workload_slug("w" * 59 + "x", taken)
    assert first == "w" * MAX_BASE_NAME and second == "w" * (MAX_BASE_NAME - 2) + "-2"
    text = (Path(__file__).resolve().parents[1] / "examples" / "portfolio.toml").read_text(encoding="utf-8")
    path = tmp_path / "p.toml"
    path.write_text(text.replace('name = "chat assistant"', f'name = "{"w" * 60}"', 1)
                    .replace('name = "ticket classifier"', f'name = "{"w" * 59}x"', 1), encoding="utf-8")
    assert main(["deploy", str(path), "--out", str(tmp_path / "out")]) == 0
    assert {p.name for p in (tmp_path / "out").iterdir() if p.is_dir()} >= {first, second}


def test_no_fleet_names_each_sku_once_in_its_reason(tmp_path):
    """"no SKU ... serves every workload (h100-sxm: h100-sxm: one DGX H100 node draws ...)": the
    one-SKU fleet's reason already began with its SKU."""
    path = tmp_path / "p.toml"
    path.write_text(tomli_w.dumps({"platform": {"gpu_candidates": ["h100-sxm"], "rack_power_kw": 8}, "workloads": [
        {"name": "chat", "use_case": "chat", "peak_concurrency": 50, "model": "llama-3.1-8b"},
        {"name": "agent", "use_case": "agent", "peak_concurrency": 20, "model": "llama-3.1-70b"}]}))
    from kickoff_tui.commands.portfolio import load_portfolio
    from kickoff_tui.record.portfolio import demands
    from kickoff_tui.sizing.portfolio import size_portfolio

    portfolio = load_portfolio(str(path))
    spec = size_portfolio(demands(portfolio), portfolio.platform.gpu_candidates)
    assert not spec.feasible and "h100-sxm: one DGX H100 node draws 10.2 kW" in spec.infeasible_reason
    assert "h100-sxm: h100-sxm" not in spec.infeasible_reason
