"""Business case: ROI, payback, and the red flag when payback outlives the hardware."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from test_planning_helpers import make_gpu, make_spec

from kickoff_tui.planning import BusinessCase, CostOverrides, business_report, cost_report
from kickoff_tui.planning.business import evaluate
from kickoff_tui.sizing import SizingInputs

POWER = CostOverrides(power_usd_per_kwh=0.10, pue=1.5, depreciation_years=4)


def test_seed_customer_service_example():
    """Seed 003: 500 agents x $50 x 2,080 h = $52M; 80% automated = $41.6M/year saved; $5M of
    infrastructure. ROI = 41.6 / 5 = 8.32x; payback = 5M / (41.6M / 12) = 1.44 months (< 2)."""
    roi, payback, verdict, _ = evaluate(
        annual_value=41_600_000,
        monthly_running=0.0,
        upfront=5_000_000,
        hardware_life_months=48,
        annual_cost=5_000_000,
    )
    assert roi == pytest.approx(8.32)
    assert payback == pytest.approx(5_000_000 / (41_600_000 / 12))
    assert payback < 2
    assert verdict == "strong"


def test_seed_personalisation_example_never_pays_back():
    """Seed 003: $0.8M/year of new revenue against $2M/year of infrastructure: a loss."""
    roi, payback, verdict, message = evaluate(800_000, 2_000_000 / 12, 0.0, 48, 2_000_000)
    assert roi == pytest.approx(0.4)
    assert payback is None and verdict == "red" and "never" in message


def test_rented_worked_example():
    """On-demand (cost tests' worked example): value $0.01/request.
    requests/month = 500 tok/s / 250 tokens x 3,600 x 730 = 5,256,000
    annual value = 0.01 x 5,256,000 x 12 = $630,720
    annual cost = ($840,960 + $144,000 staff) / 3 = $328,320 -> ROI 1.921x
    monthly net = 630,720 / 12 - (23,360 + 4,000) = $25,200; upfront 0 -> payback 0 months
    ROI < 3 but payback <= 12 months -> adequate
    """
    spec = make_spec()
    report = cost_report(spec, SizingInputs(burst_factor=2.0), POWER, gpu=make_gpu())
    b = business_report(BusinessCase(value_per_request_usd=0.01), spec, report, POWER)
    assert b.requests_per_month.value == pytest.approx(5_256_000)
    assert b.annual_value.value == pytest.approx(630_720)
    assert b.annual_cost.value == pytest.approx(328_320)
    assert b.roi.value == pytest.approx(630_720 / 328_320)
    assert b.monthly_net.value == pytest.approx(25_200)
    assert b.payback_months.value == 0
    assert b.verdict == "adequate"


def test_bought_worked_example():
    """Buy: annual cost = ($338,550 + $144,000) / 3 = $160,850 -> ROI 630,720 / 160,850 = 3.92x
    upfront $320,000; running = power 3.75 x 730 = $2,737.50 + staff $4,000 = $6,737.50
    net = 52,560 - 6,737.50 = $45,822.50 -> payback 320,000 / 45,822.50 = 6.98 months -> strong
    """
    spec = make_spec(price_basis="purchase")
    report = cost_report(spec, SizingInputs(burst_factor=2.0), POWER, gpu=make_gpu())
    b = business_report(BusinessCase(value_per_request_usd=0.01), spec, report, POWER)
    assert b.option == "buy"
    assert b.annual_cost.value == pytest.approx(160_850)
    assert b.upfront.value == pytest.approx(320_000)
    assert b.monthly_net.value == pytest.approx(45_822.5)
    assert b.payback_months.value == pytest.approx(320_000 / 45_822.5)
    assert b.verdict == "strong"


def test_red_flag_when_payback_outlives_the_hardware():
    """$0.0015/request: value 7,884/month - running 6,737.50 = 1,146.50 -> 279 months > 48."""
    spec = make_spec(price_basis="purchase")
    report = cost_report(spec, SizingInputs(burst_factor=2.0), POWER, gpu=make_gpu())
    b = business_report(BusinessCase(value_per_request_usd=0.0015), spec, report, POWER)
    assert b.payback_months.value == pytest.approx(320_000 / 1_146.5)
    assert b.verdict == "red" and "48-month life" in b.message


def test_replaced_cost_and_setup():
    spec = make_spec()
    report = cost_report(spec, SizingInputs(burst_factor=2.0), POWER, gpu=make_gpu())
    b = business_report(
        BusinessCase(replaced_cost_per_year_usd=1_200_000, setup_cost_usd=150_000),
        spec,
        report,
        POWER,
    )
    assert b.requests_per_month is None
    assert b.annual_value.value == 1_200_000
    # net = 100,000 - 27,360 = 72,640; payback = 150,000 / 72,640
    assert b.payback_months.value == pytest.approx(150_000 / 72_640)


def test_a_case_needs_a_value():
    with pytest.raises(ValidationError):
        BusinessCase(setup_cost_usd=10)
