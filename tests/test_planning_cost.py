"""Cost model: a worked example recomputed by hand, price precedence, traces, agreement with the
sizer."""

from __future__ import annotations

import math

import pytest
from pydantic import ValidationError
from test_planning_helpers import make_gpu, make_spec

from kickoff_tui.catalog import PricePoint
from kickoff_tui.planning import CostOverrides, cost_report
from kickoff_tui.planning import constants as C
from kickoff_tui.planning.cost import quote_prices
from kickoff_tui.sizing import SizingInputs

INPUTS = SizingInputs(burst_factor=2.0)
POWER = CostOverrides(power_usd_per_kwh=0.10, pue=1.5, depreciation_years=4)


def report(**cost):
    return cost_report(make_spec(), INPUTS, POWER.model_copy(update=cost), gpu=make_gpu())


def test_worked_example_rent_reserve_buy():
    """Hand computation (16 GPUs, on-demand $2.00 from Provider A dated 2026-01-01, purchase
    $20,000, 25 kW IT, PUE 1.5, $0.10/kWh, 4-year depreciation, 3-year horizon = 26,280 h):

    on-demand:   16 x $2.00 = $32.00/h; x 730 = $23,360/month; x 26,280 = $840,960
    reserved-1y: $2.00 x (1 - 0.25) = $1.50 -> $24.00/h -> $630,720 ; break-even 630,720/840,960 = 75%
    reserved-3y: $2.00 x (1 - 0.40) = $1.20 -> $19.20/h -> $504,576 ; break-even 60%
    spot:        $2.00 x (1 - 0.60) = $0.80 -> $12.80/h
    buy:         capex 16 x 20,000 = $320,000; 320,000 / (4 x 8,760) = $9.1324/h
                 power 25 kW x 1.5 x $0.10 = $3.75/h; total $12.8824/h
                 3 years: 320,000 x 3/4 = $240,000 + 3.75 x 26,280 = $98,550 -> $338,550
                 break-even 338,550 / 840,960 = 40.26%
    staff:       16 / 100 x 1.5 = 0.24 FTE x $200,000 = $48,000/yr = $4,000/month; 3 yr $144,000
    cheapest over 3 years (spot excluded): buy
    """
    r = report()
    od, r1, r3, spot, buy = (
        r.option(n) for n in ("on-demand", "reserved-1y", "reserved-3y", "spot", "buy")
    )
    assert od.per_hour.value == pytest.approx(32.0)
    assert od.per_month.value == pytest.approx(23_360.0)
    assert od.horizon_total.value == pytest.approx(840_960.0)
    assert r1.per_hour.value == pytest.approx(24.0)
    assert r1.horizon_total.value == pytest.approx(630_720.0)
    assert r1.break_even_utilisation.value == pytest.approx(0.75)
    assert r3.per_hour.value == pytest.approx(19.2)
    assert r3.horizon_total.value == pytest.approx(504_576.0)
    assert r3.break_even_utilisation.value == pytest.approx(0.60)
    assert spot.per_hour.value == pytest.approx(12.8)
    assert buy.per_hour.value == pytest.approx(320_000 / 35_040 + 3.75)
    assert buy.horizon_total.value == pytest.approx(338_550.0)
    assert buy.break_even_utilisation.value == pytest.approx(338_550 / 840_960)
    assert r.staff_engineers.value == pytest.approx(0.24)
    assert r.staff_per_month.value == pytest.approx(4_000.0)
    assert od.horizon_total_with_staff.value == pytest.approx(840_960 + 144_000)
    assert r.cheapest_option == "buy"
    assert r.chosen_option == "on-demand"


def test_worked_example_utilisation_and_tokens():
    """utilisation = (peak 50 / (8 replicas x 10 in flight) = 62.5%) / burst 2 = 31.25%
    served = 1,200 tok/s / (6 load replicas) = 200 per replica x 8 replicas x 31.25% = 500 tok/s
    on-demand per M tokens (average use) = $32/h / (500 x 3,600 / 10^6 = 1.8 M/h) = $17.78
    at peak: in-flight served = min(50, 10 x 6) = 50; / 0.050 s TPOT = 1,000 tok/s
             -> $32 / 3.6 = $8.89 per M tokens
    """
    r = report()
    assert r.utilisation.value == pytest.approx(0.3125)
    assert r.served_tokens_per_s.value == pytest.approx(500.0)
    assert r.option("on-demand").per_million_output_tokens.value == pytest.approx(32 / 1.8)
    assert r.per_million_at_peak.value == pytest.approx(32 / 3.6)
    assert r.utilisation.value < C.TARGET_UTILISATION_RANGE[0]
    assert any("below the" in w for w in r.warnings)


def test_managed_api_comparison_by_hand():
    """API: $10/M output + $2/M input; input/output = 1,000 / 250 = 4 -> $18 per M output tokens.
    Tokens per month = 500 tok/s x 3,600 x 730 / 10^6 = 1,314 M -> $23,652/month.
    Self-hosted on-demand $23,360 + staff $4,000 = $27,360 -> difference +$3,708 (API cheaper).
    """
    r = report(
        managed_api_usd_per_million_output_tokens=10.0, managed_api_usd_per_million_input_tokens=2.0
    )
    figures = {f.key: f for f in r.managed_api}
    assert figures["managed.per_million"].value == pytest.approx(18.0)
    assert figures["managed.per_month"].value == pytest.approx(23_652.0)
    assert figures["managed.difference"].value == pytest.approx(3_708.0)
    assert "API is cheaper" in figures["managed.difference"].trace
    assert report().managed_api == []


def test_every_figure_traces_to_inputs_and_dated_prices():
    r = report()
    od = r.option("on-demand")
    assert "spec.total_gpus 16" in od.per_hour.trace
    assert "Provider A" in od.per_hour.trace and "2026-01-01" in od.per_hour.trace
    r1 = r.option("reserved-1y")
    assert r1.quote.derived and r1.per_hour.assumed
    assert "procurement guide" in r1.quote.source and "0.25" in r1.quote.source
    buy = r.option("buy")
    capex = next(f for f in buy.detail if f.key == "buy.capex")
    assert "Vendor C" in capex.trace and "2026-03-01" in capex.trace and capex.assumed
    assert "spec.replicas 8" in r.utilisation.trace and "inputs.burst_factor" in r.utilisation.trace
    for opt in r.options:
        for fig in (opt.per_hour, opt.per_month, opt.horizon_total, opt.per_million_output_tokens):
            assert fig is not None and fig.trace and fig.value is not None


def test_overrides_take_precedence_and_are_marked():
    r = report(
        reserved_1y_usd_per_gpu_hour=1.0,
        price_provider="ACME quote",
        price_date="2026-06-30",
        purchase_usd_per_gpu=40_000,
    )
    r1 = r.option("reserved-1y")
    assert r1.per_hour.value == pytest.approx(16.0)
    assert r1.quote.override and not r1.quote.derived
    assert "ACME quote" in r1.per_hour.trace and "2026-06-30" in r1.per_hour.trace
    assert r.option("buy").detail[0].value == pytest.approx(640_000)


def test_discount_overrides_change_derived_prices():
    r = report(annual_commit_discount=0.10, multi_year_commit_discount=0.5)
    assert r.option("reserved-1y").quote.usd_per_gpu_hour == pytest.approx(1.8)
    assert r.option("reserved-3y").quote.usd_per_gpu_hour == pytest.approx(1.0)
    assert "session discount" in r.option("reserved-1y").quote.source


def test_spec_price_is_preferred_then_lowest():
    gpu = make_gpu()
    quotes = quote_prices(gpu, CostOverrides(), "on-demand", 3.5)
    assert quotes["on-demand"].provider == "Provider B"
    quotes = quote_prices(gpu, CostOverrides(), "reserved-1y", None)
    assert quotes["on-demand"].usd_per_gpu_hour == 2.0


def test_missing_prices_are_reported_not_invented():
    gpu = make_gpu(
        prices=[
            PricePoint(
                basis="on-demand", usd_per_gpu_hour=2.0, provider="P", date="2026-01-01", source="s"
            )
        ]
    )
    r = cost_report(make_spec(), INPUTS, POWER, gpu=gpu)
    buy = r.option("buy")
    assert not buy.available and "purchase" in buy.reason
    assert "capacity-block" not in [o.option for o in r.options]
    bare = make_gpu(prices=[])
    r = cost_report(make_spec(price_basis="reserved-3y"), INPUTS, POWER, gpu=bare)
    assert not any(o.available for o in r.options)
    assert r.cheapest_option == ""


def test_purchase_basis_chooses_buy_and_defaults_are_assumed():
    r = cost_report(make_spec(price_basis="purchase"), INPUTS, CostOverrides(), gpu=make_gpu())
    assert r.chosen_option == "buy"
    text = " ".join(r.assumptions)
    assert "PUE" in text and "electricity" in text and "depreciation" in text
    power = next(f for f in r.option("buy").detail if f.key == "buy.power_per_month")
    assert power.assumed
    # 25 kW x 1.3 (sizer's PUE) x $0.10 x 730 h
    assert power.value == pytest.approx(25 * C.DEFAULT_PUE * C.DEFAULT_POWER_USD_PER_KWH * 730)


def test_no_burst_factor_is_flagged_as_upper_bound():
    r = cost_report(make_spec(), SizingInputs(), POWER, gpu=make_gpu())
    assert r.utilisation.assumed
    assert r.utilisation.value == pytest.approx(0.625)
    assert "upper bound" in r.utilisation.trace


def test_invalid_overrides_are_rejected():
    with pytest.raises(ValidationError):
        CostOverrides(pue=0.5)
    with pytest.raises(ValidationError):
        CostOverrides(on_demand_usd_per_gpu_hour=-1)
    with pytest.raises(ValidationError):
        CostOverrides(unknown=1)


def test_matches_the_sizer_for_every_basis():
    """The cost section and the spec must quote the same hourly cost for the spec's basis."""
    from kickoff_tui.sizing import size

    for basis in ("on-demand", "reserved-1y", "reserved-3y", "spot"):
        inputs = SizingInputs(
            model="llama-3.1-8b", gpu="h100-sxm", peak_concurrency=40, price_basis=basis
        )
        spec = size(inputs)
        r = cost_report(spec, inputs)
        assert r.chosen_option == basis
        assert r.chosen.per_hour.value == pytest.approx(spec.cost_per_hour, abs=0.01)
        assert r.chosen.per_month.value == pytest.approx(spec.cost_per_month, abs=1.0)
        assert r.per_million_at_peak.value == pytest.approx(
            spec.cost_per_million_output_tokens, rel=0.01
        )


def test_cheapest_is_the_minimum_horizon_total():
    r = report()
    totals = {
        o.option: o.horizon_total.value for o in r.options if o.available and o.option != "spot"
    }
    assert totals[r.cheapest_option] == min(totals.values())
    assert all(math.isfinite(v) for v in totals.values())


def test_card_only_purchase_price_gets_the_server_platform_share():
    """Hand computation: the same 16 GPUs at a card-only $20,000 add 16 x $12,500 of server
    platform: capex $520,000; 520,000 / (4 x 8,760) = $14.8402/h + power $3.75/h."""
    card_only = make_gpu()
    prices = [p.model_copy(update={"includes_platform": False}) if p.basis == "purchase" else p
              for p in card_only.prices]
    r = cost_report(make_spec(), INPUTS, POWER, gpu=make_gpu(prices=prices))
    buy = r.option("buy")
    platform = next(f for f in buy.detail if f.key == "buy.platform")
    assert platform.value == pytest.approx(16 * C.SERVER_PLATFORM_USD_PER_GPU) and platform.assumed
    assert buy.per_hour.value == pytest.approx(520_000 / 35_040 + 3.75)


def test_one_monthly_cost_and_cost_per_million_tokens_input_and_output():
    """The worked example (on-demand, 16 GPUs, staff $4,000/month, 500 output tokens/s at the
    average load, 1,000 input / 250 output tokens per request -> 2,000 input tokens/s):

    monthly = $23,360 + $4,000 = $27,360 (on-demand rent, incl. staff)
    tokens a month: 500 x 3,600 x 730 / 10^6 = 1,314 M output; 2,500 x ... = 6,570 M in + out
    per million tokens (in + out) = 27,360 / 6,570 = $4.164; per million output = 27,360 / 1,314
    = $20.82. Each option's GPU cost per million (before staff): on-demand $32/h / (2,500 x
    3,600 / 10^6 = 9 M/h) = $3.556.
    """
    r = report()
    assert r.input_tokens_per_s.value == pytest.approx(2_000.0)
    assert r.monthly.value == pytest.approx(27_360.0)
    assert r.monthly_basis == "on-demand rent, incl. staff" and r.monthly_basis in r.monthly.label
    assert r.per_million_tokens.value == pytest.approx(27_360 / 6_570)
    assert r.per_million_output_tokens.value == pytest.approx(27_360 / 1_314)
    assert "average load" in r.per_million_tokens.label
    assert r.option("on-demand").per_million_tokens.value == pytest.approx(32 / 9)
    assert [f.key for f in r.headline()] == ["monthly", "per_million_tokens", "per_million_output_tokens"]
    bought = cost_report(make_spec(price_basis="purchase"), INPUTS, POWER, gpu=make_gpu())
    assert bought.monthly_basis == "buy, 4-year depreciation, incl. power and staff"
    assert bought.monthly.value == pytest.approx(bought.option("buy").per_month.value + 4_000.0)


def test_a_horizon_shorter_than_the_write_off_says_what_stays_on_the_books_and_traces_the_cheapest():
    """The 3-year buy total counts 3 of 4 years of depreciation ($240,000 of $320,000): the caveat
    says $80,000 of the outlay is still on the books; and buy, the cheapest basis, has its
    arithmetic traced although on-demand is the chosen one."""
    r = report()
    buy = r.option("buy")
    assert "counts 3 of 4 years of depreciation: $80,000 of the $320,000 outlay is still on the books" in buy.caveat
    keys = [f.key for f in r.traced_figures()]
    assert r.chosen_option == "on-demand" and "buy.horizon" in keys and "buy.per_month" in keys
    assert "on the books" not in report(depreciation_years=3).option("buy").caveat  # 3 of 3: nothing left
