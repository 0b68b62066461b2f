"""A TOML true / false is a yes/no, never a number, in every file a user hands Kickoff.

Pydantic's lax mode read ``true`` as 1 for an int or float field: ``budget_usd_per_month = true``
optimised the model mix under $1 a month, ``horizon_years = true`` priced one year, a
scorecard weight of ``true`` weighed as much as a weight of 1 (found by a hostile-input audit).
``kickoff_tui.validation.NoYesNoNumbers`` is the base of every model read from a user's file."""

from __future__ import annotations

from pathlib import Path

import pytest

from kickoff_tui.cli import main
from kickoff_tui.validation import yes_no_problem

ROOT = Path(__file__).resolve().parents[1]
PORTFOLIO = (ROOT / "examples" / "portfolio.toml").read_text(encoding="utf-8")
CHAT = str(ROOT / "examples" / "chat-assistant.toml")

QUESTIONNAIRE = """id = "t"
version = "1"
title = "T"
[[questions]]
id = "peak_concurrency"
role = "app_owner"
section = "A"
prompt = "How many requests in flight at the peak?"
type = "number"
feeds = "peak_concurrency"
{extra}
"""


@pytest.mark.parametrize(("old", "new", "where"), [
    ("budget_usd_per_month = 30000", "budget_usd_per_month = true", "budget_usd_per_month"),
    ("growth_months = 24", "growth_months = true", "growth_months"),
    ("off_peak_fraction = 0.15 ", "off_peak_fraction = true ", "workload 1 (chat assistant).off_peak_fraction"),
    ("rack_power_kw = 35", "rack_power_kw = false", "platform.rack_power_kw"),
])
def test_a_portfolio_file(tmp_path, capsys, old, new, where):
    assert old in PORTFOLIO
    path = tmp_path / "p.toml"
    path.write_text(PORTFOLIO.replace(old, new, 1), encoding="utf-8")
    assert main(["portfolio", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{where}: a number or a choice, not " in err, err


@pytest.mark.parametrize(("table", "line", "where"), [
    ("cost", "horizon_years = true", "planning.cost.horizon_years"),
    ("cost", "on_demand_usd_per_gpu_hour = true", "planning.cost.on_demand_usd_per_gpu_hour"),
    ("growth", "monthly_rate = true", "planning.growth.monthly_rate"),
    ("business", "value_per_request_usd = true", "planning.business.value_per_request_usd"),
])
def test_a_planning_file(tmp_path, capsys, table, line, where):
    path = tmp_path / "plan.toml"
    path.write_text(f"[planning.{table}]\n{line}\n", encoding="utf-8")
    assert main(["cost", CHAT, "--planning", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{where}: a number or a choice, not true" in err, err


def test_a_scorecard(tmp_path, capsys):
    path = tmp_path / "card.toml"
    path.write_text('[scorecard]\ncriteria = [{ name = "Pricing", weight = true }, { name = "Support", weight = 1 }]\n'
                    'providers = [{ name = "A", scores = { Pricing = 5, Support = 0 } }]\n', encoding="utf-8")
    assert main(["scorecard", str(path)]) == 2
    assert "criteria.0.weight: a number or a choice, not true" in capsys.readouterr().err
    path.write_text('[scorecard]\ncriteria = [{ name = "Pricing", weight = 1 }, { name = "Support", weight = 1 }]\n'
                    'providers = [{ name = "A", scores = { Pricing = true, Support = 0 } }]\n', encoding="utf-8")
    assert main(["scorecard", str(path)]) == 2
    assert "providers.0.scores: holds true where a number or a choice belongs" in capsys.readouterr().err


@pytest.mark.parametrize("extra", ["min = true", "max = false", "scale = true"])
def test_a_questionnaire(tmp_path, capsys, extra):
    path = tmp_path / "q.toml"
    path.write_text(QUESTIONNAIRE.format(extra=extra), encoding="utf-8")
    assert main(["questionnaire", "check", str(path)]) == 2
    assert "a number or a choice, not " in capsys.readouterr().err
    path.write_text(QUESTIONNAIRE.format(extra="min = 1\nmax = 1000"), encoding="utf-8")
    assert main(["questionnaire", "check", str(path)]) == 0


def test_a_number_where_only_a_yes_no_belongs(tmp_path, capsys):
    """``prefix_caching = 0`` was read as false and changed the figures without a word."""
    path = tmp_path / "p.toml"
    path.write_text(PORTFOLIO.replace("prefix_caching = true", "prefix_caching = 0", 1),
                    encoding="utf-8")
    assert main(["portfolio", str(path)]) == 2
    assert "prefix_caching: true or false, not 0" in capsys.readouterr().err


def test_the_rule_itself():
    assert yes_no_problem(int, True) and yes_no_problem(float | None, False)
    assert yes_no_problem(dict[str, float], {"a": True}) and yes_no_problem(list[int], [1, True])
    assert yes_no_problem(bool | None, True) is None and yes_no_problem(bool | int | str, 3) is None
    assert yes_no_problem(bool, 0) == "true or false, not 0"
    assert yes_no_problem(int, 3) is None and yes_no_problem(dict[str, float], {"a": 1.0}) is None



@pytest.mark.parametrize(("value", "kind"), [("[1]", "list"), ("{ a = 1 }", "table")])
def test_a_questionnaire_default_of_the_wrong_kind_is_one_problem(tmp_path, capsys, value, kind):
    """`default = [1]` on a number question was four problems ("default.bool: Input should be a
    valid boolean", then int, float and str): one per member of the answer type."""
    path = tmp_path / "q.toml"
    path.write_text(QUESTIONNAIRE.format(extra=f"default = {value}"), encoding="utf-8")
    assert main(["questionnaire", "check", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.endswith(f"field 'default': a yes/no, a number or a text, not a {kind}\n"), err
