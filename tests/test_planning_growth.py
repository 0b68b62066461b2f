"""Growth: the month the fleet runs out, the traffic it carries, scenarios, the chart."""

from __future__ import annotations

import math

import pytest
from test_planning_helpers import FakeSizer, make_spec

from kickoff_tui.planning import GrowthSettings, growth_report
from kickoff_tui.planning.growth import grown_inputs, monthly_rate_figure
from kickoff_tui.sizing import SizingInputs

SIZED = make_spec(peak_concurrency=40, total_gpus=14, replicas=7)
"""Sized with headroom: 2 x (ceil(40/10) x 1.5 + 1) = 14 GPUs."""


def test_worked_example_out_of_headroom():
    """FakeSizer: GPUs needed without headroom = 2 x ceil(peak / 10) + 2.

    today: 2 x 4 + 2 = 10 <= 14.
    carries: 2 x ceil(40k / 10) + 2 <= 14  <=>  ceil(4k) <= 6  <=>  k <= 1.5 (peak 60).
    at +10%/month: peak at month m = ceil(40 x 1.1^m)
      m=4: 40 x 1.4641 = 58.6 -> 59 -> 2 x 6 + 2 = 14 (still fits)
      m=5: 40 x 1.6105 = 64.4 -> 65 -> 2 x 7 + 2 = 16 > 14  -> runs out in month 5
    analytic check: log(1.5) / log(1.1) = 4.25 months.
    """
    sizer = FakeSizer()
    r = growth_report(SIZED, SizingInputs(), GrowthSettings(monthly_rate=0.10, months=12), sizer)
    assert r.needed_today == 10
    assert r.capacity_multiplier.value == pytest.approx(1.5, abs=0.01)
    assert r.out_of_headroom_month.value == 5
    assert r.points[4].total_gpus == 14 and r.points[5].total_gpus == 16
    assert r.points[5].peak_concurrency == 65
    assert "4.3 months" in r.out_of_headroom_month.trace
    assert len(r.points) == 13


def test_scenarios_by_hand():
    """+50%: peak 60 -> 14 GPUs (fits); +100%: 80 -> 18 (+4); 3x: 120 -> 26 (+12)."""
    r = growth_report(SIZED, SizingInputs(), GrowthSettings(), FakeSizer())
    got = {
        s.label: (s.peak_concurrency, s.total_gpus, s.extra_gpus, s.fits_sized_fleet)
        for s in r.scenarios
    }
    assert got == {
        "conservative +50%": (60, 14, 0, True),
        "middle +100%": (80, 18, 4, False),
        "aggressive 3x": (120, 26, 12, False),
    }


def test_expected_growth_adds_a_scenario_and_an_assumed_rate():
    """expected_growth 0.5 over 12 months -> (1.5)^(1/12) - 1 = 3.44% a month."""
    inputs = SizingInputs(expected_growth=0.5)
    rate = monthly_rate_figure(inputs, GrowthSettings())
    assert rate.value == pytest.approx(1.5 ** (1 / 12) - 1)
    assert rate.assumed and "expected_growth" in rate.trace
    r = growth_report(SIZED, inputs, GrowthSettings(), FakeSizer())
    assert r.scenarios[-1].label == "expected +50%" and r.scenarios[-1].total_gpus == 14
    assert r.out_of_headroom_month.assumed


def test_no_rate_means_no_timeline_but_scenarios():
    r = growth_report(SIZED, SizingInputs(), GrowthSettings(), FakeSizer())
    assert r.points == [] and r.out_of_headroom_month is None
    assert r.notes and "monthly growth" in r.notes[0]
    assert r.chart() == []


def test_never_runs_out_within_horizon():
    r = growth_report(
        SIZED, SizingInputs(), GrowthSettings(monthly_rate=0.0, months=6), FakeSizer()
    )
    assert r.out_of_headroom_month.value is None
    assert "stay <= the 14 bought" in r.out_of_headroom_month.trace


def test_unservable_growth_counts_as_running_out():
    sizer = FakeSizer(limit=100)
    r = growth_report(SIZED, SizingInputs(), GrowthSettings(monthly_rate=0.5, months=6), sizer)
    assert r.out_of_headroom_month.value == 2  # 40 x 1.5^2 = 90 -> 20 GPUs > 14
    assert r.points[-1].total_gpus is None
    assert not r.scenarios[-1].feasible and r.scenarios[-1].reason


def test_grown_inputs_drop_headroom_and_pin_the_sku():
    inputs = SizingInputs(
        users=1000, requests_per_user_per_hour=10, growth_headroom=0.3, gpu="recommend"
    )
    grown = grown_inputs(inputs, make_spec(peak_concurrency=41, gpu="b200"), 1.5)
    assert grown.peak_concurrency == math.ceil(41 * 1.5)
    assert grown.users is None and grown.requests_per_user_per_hour is None
    assert grown.growth_headroom == 0.0 and grown.gpu == "b200"


def test_memoised_by_concurrency():
    sizer = FakeSizer()
    growth_report(SIZED, SizingInputs(), GrowthSettings(monthly_rate=0.01, months=36), sizer)
    assert sizer.calls <= 40  # 37 months share few distinct concurrencies


def test_chart_marks_capacity_and_overflow():
    r = growth_report(
        SIZED, SizingInputs(), GrowthSettings(monthly_rate=0.10, months=12), FakeSizer()
    )
    lines = r.chart(width=30)
    assert "14 GPUs sized" in lines[0]
    assert len(lines) <= 14
    over = [line for line in lines[1:] if "over" in line]
    assert over and all("▓" in line for line in over)
    assert all("│" in line for line in lines[1:])
    ascii_lines = r.chart(width=30, ascii_only=True)
    assert all(ord(ch) < 128 for line in ascii_lines for ch in line)


def test_real_sizer_is_monotone_and_consistent():
    """With the real sizer: GPUs needed never fall as traffic grows, and the sized fleet carries
    at least today's traffic."""
    from kickoff_tui.sizing import size

    inputs = SizingInputs(
        model="llama-3.1-8b", gpu="l40s", peak_concurrency=60, growth_headroom=0.5
    )
    spec = size(inputs)
    r = growth_report(spec, inputs, GrowthSettings(monthly_rate=0.08, months=24))
    gpus = [p.total_gpus for p in r.points if p.total_gpus is not None]
    assert gpus == sorted(gpus)
    assert r.capacity_multiplier.value >= 1.0
    assert r.needed_today <= spec.total_gpus
    month = r.out_of_headroom_month.value
    assert month is not None and r.points[int(month)].total_gpus > spec.total_gpus


class UnitSizer(FakeSizer):
    """FakeSizer whose GPUs are bought in whole 8-GPU nodes: needed 2 x ceil(peak / 10) + 2,
    bought rounded up to a multiple of 8."""

    def __call__(self, inputs: SizingInputs):
        spec = super().__call__(inputs)
        if not spec.feasible:
            return spec
        units = math.ceil(spec.total_gpus / 8)
        return spec.model_copy(update={"units": units, "unit_gpus": 8, "gpus_bought": 8 * units,
                                       "unit_name": "8-GPU node"})


def test_growth_counts_the_gpus_bought_in_whole_units():
    """Today: peak 40 -> 10 needed, 16 bought (2 nodes). The spare 6 GPUs are capacity too:
    peak 70 -> 16 needed, 16 bought still fits; peak 80 -> 18 needed, 24 bought runs out.
    At +10%/month: 40 x 1.1^6 = 70.9 -> 71 -> 2 x 8 + 2 = 18 > 16 -> month 6 (month 5: 65 -> 16)."""
    sizer = UnitSizer()
    sized = sizer(SizingInputs(peak_concurrency=40))
    r = growth_report(sized, SizingInputs(), GrowthSettings(monthly_rate=0.10, months=12), sizer)
    assert r.sized_gpus == 16 and r.sized_needed == 10
    assert r.needed_today == 16 and r.needed_today_gpus == 10
    assert r.points[5].total_gpus == 16 and r.points[5].gpus_bought == 16
    assert r.points[6].total_gpus == 18 and r.points[6].gpus_bought == 24
    assert r.out_of_headroom_month.value == 6
    assert "18 GPUs, 24 bought in whole units > 16 bought today" in r.out_of_headroom_month.trace
    assert r.capacity_multiplier.value == pytest.approx(1.75, abs=0.01)  # peak 70 still fits
    by_label = {s.label: s for s in r.scenarios}
    plus50 = by_label["conservative +50%"]  # peak 60: 14 needed, 16 bought
    assert (plus50.total_gpus, plus50.gpus_bought, plus50.fits_sized_fleet) == (14, 16, True)
    double = by_label["middle +100%"]  # peak 80: 18 needed, 24 bought, 8 more to buy
    assert (double.total_gpus, double.gpus_bought, double.extra_gpus) == (18, 24, 8)
    assert "16 GPUs sized and bought" in r.chart()[0]


def test_growth_keeps_the_burst_once():
    """The grown traffic multiplies the STATED peak; the sizer applies the burst again on top.
    (Multiplying the design load would count the burst twice.)"""
    spec = make_spec(peak_concurrency=400, stated_concurrency=200, burst_factor=2.0, gpu="h200-sxm")
    grown = grown_inputs(SizingInputs(peak_concurrency=200, burst_factor=2.0), spec, 1.5)
    assert grown.peak_concurrency == 300 and grown.burst_factor == 2.0


def test_real_sizer_growth_at_today_traffic_needs_what_is_bought():
    """With the real sizer and a burst: today's traffic needs exactly today's units."""
    from kickoff_tui.sizing import size

    inputs = SizingInputs(model="llama-3.1-8b", gpu="h100-sxm", peak_concurrency=150, burst_factor=2.0,
                          avg_input_tokens=1500, avg_output_tokens=300, precision="fp8")
    spec = size(inputs)
    r = growth_report(spec, inputs, GrowthSettings())
    assert r.needed_today == spec.gpus_bought and r.sized_gpus == spec.gpus_bought
    assert r.needed_today_gpus == spec.total_gpus
    for sc in r.scenarios:
        assert sc.gpus_bought >= sc.total_gpus and sc.gpus_bought % spec.unit_gpus == 0
        assert sc.cost_basis  # the one monthly cost, basis named


def test_each_scenario_names_its_replica_layout(capsys):
    """The support example's scenarios went 6, 16, 11, 11 replicas with nothing to say the sizer
    had switched between TP4 and TP2 replicas: each scenario carries its layout, and the CLI and
    report tables print "replicas x layout"."""
    from pathlib import Path

    from kickoff_tui.cli import main
    from kickoff_tui.record import load_session
    from kickoff_tui.record.markdown import report_markdown

    example = Path(__file__).resolve().parents[1] / "examples" / "session-support-assistant.toml"
    session = load_session(example)
    report = growth_report(session.spec(), session.sizing_inputs(), session.planning().growth)
    layouts = {sc.layout for sc in report.scenarios if sc.feasible}
    assert layouts and all(layout.startswith("TP") for layout in layouts) and len(layouts) > 1
    assert main(["growth", str(example)]) == 0
    out = capsys.readouterr().out
    text, _ = report_markdown(session, {})
    for sc in report.scenarios:
        assert f"{sc.replicas} x {sc.layout}" in out and f"| {sc.replicas} x {sc.layout} |" in text
