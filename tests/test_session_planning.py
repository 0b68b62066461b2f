"""Issue 6 inside the session: planning answers, the vendor scorecard event, the export with cost,
growth and sensitivity, ``--deploy``, and the business-case red flag."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kickoff_tui.cli import main
from kickoff_tui.errors import KickoffError
from kickoff_tui.planning import PlanningOverrides, Scorecard
from kickoff_tui.planning.scorecard import Criterion, Provider
from kickoff_tui.record import (
    QuestionnaireError,
    Session,
    dumps_session,
    load_session,
    loads_session,
    parse_questionnaire,
    rebuild,
    replay_states,
    session_markdown,
)
from kickoff_tui.record.example import DANA, PRIYA, SAM, build_example_session, stepping_clock
from kickoff_tui.record.markdown import planning_markdown

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "session-support-assistant.toml"


@pytest.fixture(scope="module")
def example() -> Session:
    """The example meeting, built once (tests that change it take a rebuilt copy)."""
    return build_example_session()


def fresh() -> Session:
    """A copy of the example that a test may change (read from the checked-in file)."""
    return load_session(EXAMPLE)


def small_card(winner_price: float = 6) -> Scorecard:
    return Scorecard(
        criteria=[Criterion(name="Price", weight=60), Criterion(name="Support", weight=40)],
        providers=[
            Provider(name="Alpha", scores={"Price": winner_price, "Support": 9}),
            Provider(name="Beta", scores={"Price": 8, "Support": 4}),
        ],
    )


# --- answers feed PlanningOverrides ------------------------------------------------------------


def test_answers_feed_the_planning_overrides() -> None:
    s = Session.new("Planning", clock=stepping_clock(), session_id="p")
    assert s.planning() == PlanningOverrides()  # nothing answered: every planning default
    s.record_answer("value_per_request", "0.04", DANA, "app_owner")
    s.record_answer("replaced_monthly_cost", 50_000, DANA, "app_owner")
    s.record_answer("setup_cost", 80_000, DANA, "app_owner")
    s.record_answer("monthly_traffic_growth", 5, DANA, "app_owner")
    s.record_answer("quoted_on_demand_price", 3.1, PRIYA, "it")
    s.record_answer("quoted_reserved_3y_price", 1.95, PRIYA, "it")
    s.record_answer("quoted_purchase_price", 42_000, PRIYA, "it")
    s.record_answer("price_quote_source", "ACME quote Q-1234", PRIYA, "it")
    s.record_answer("price_quote_date", "2026-09-01", PRIYA, "it")
    s.record_answer("hardware_life_years", 5, PRIYA, "it")
    s.record_answer("power_price", 0.12, PRIYA, "it")
    s.record_answer("pue", 1.25, PRIYA, "it")
    s.record_answer("ops_engineers_per_100_gpus", 2, PRIYA, "it")
    s.record_answer("managed_api_price", 10, PRIYA, "it")
    plan = s.planning()
    cost = plan.cost
    assert cost.on_demand_usd_per_gpu_hour == 3.1 and cost.reserved_3y_usd_per_gpu_hour == 1.95
    assert cost.reserved_1y_usd_per_gpu_hour is None  # not quoted: derived by the cost model
    assert cost.purchase_usd_per_gpu == 42_000
    assert (cost.price_provider, cost.price_date) == ("ACME quote Q-1234", "2026-09-01")
    assert (cost.depreciation_years, cost.power_usd_per_kwh, cost.pue) == (5, 0.12, 1.25)
    assert cost.ops_engineers_per_100_gpus == 2
    assert cost.managed_api_usd_per_million_output_tokens == 10
    assert plan.growth.monthly_rate == pytest.approx(0.05)  # percent -> fraction (scale 0.01)
    assert plan.business is not None
    assert plan.business.value_per_request_usd == 0.04
    assert plan.business.replaced_cost_per_year_usd == 600_000  # per month x 12 (scale 12)
    assert plan.business.setup_cost_usd == 80_000
    assert plan.scorecard is None
    # planning answers are not sizing inputs
    assert s.sizing_inputs() == Session.new("x", session_id="x").sizing_inputs()


def test_a_business_case_starts_with_a_value() -> None:
    s = Session.new("Planning", clock=stepping_clock(), session_id="p")
    s.record_answer("setup_cost", 80_000, DANA, "app_owner")
    assert s.planning().business is None  # setup cost alone is not a case yet
    s.record_answer("replaced_monthly_cost", 10_000, DANA, "app_owner")
    assert s.planning().business is not None
    s.clear_answer("replaced_monthly_cost", DANA, "app_owner")
    assert s.planning().business is None


def test_planning_answers_are_checked_and_keep_the_signoffs(example: Session) -> None:
    s = fresh()
    assert s.is_signed_off
    with pytest.raises(KickoffError, match="quoted_on_demand_price"):
        s.record_answer("quoted_on_demand_price", 0, PRIYA, "it")  # a price must be above 0
    with pytest.raises(KickoffError, match="monthly_traffic_growth"):
        s.record_answer("monthly_traffic_growth", 500, DANA, "app_owner")  # above 200 %/month
    s.record_answer("power_price", 0.2, PRIYA, "it", "New tariff.")
    assert s.is_signed_off, "a price is not a sizing input: the signed spec still holds"
    s.record_answer("peak_concurrency", 150, DANA, "app_owner")
    assert not s.is_signed_off  # while a sizing input withdraws the sign-offs


def test_the_planning_key_is_validated_when_the_questionnaire_loads() -> None:
    def questionnaire(extra: str) -> str:
        return (
            'id = "t"\nversion = "1"\n[[questions]]\nid = "q"\nrole = "it"\nsection = "S"\n'
            f'prompt = "?"\n{extra}\n'
        )

    ok = parse_questionnaire(
        questionnaire('type = "number"\nmin = 0\nmax = 10\nplanning = "cost.power_usd_per_kwh"')
    )
    assert ok.questions[0].planning == "cost.power_usd_per_kwh"
    bad = {
        'type = "number"\nplanning = "cost.nope"': "cost has no field 'nope'",
        'type = "number"\nplanning = "scorecard.criteria"': "unknown section 'scorecard'",
        'type = "number"\nplanning = "pue"': "must be SECTION.FIELD",
        # min 0 is below what the field accepts (a price must be above 0)
        'type = "number"\nmin = 0\nplanning = "cost.on_demand_usd_per_gpu_hour"': (
            "min 0 is not accepted"
        ),
        'type = "text"\nplanning = "cost.pue"': "a text answer is not accepted",
        'type = "number"\nfeeds = "peak_concurrency"\nplanning = "cost.pue"': "not both",
    }
    for extra, message in bad.items():
        with pytest.raises(QuestionnaireError, match="question 'q'") as err:
            parse_questionnaire(questionnaire(extra))
        assert message in str(err.value), (extra, str(err.value))
    twice = questionnaire('type = "number"\nmin = 1\nmax = 2\nplanning = "cost.pue"') + (
        '[[questions]]\nid = "r"\nrole = "it"\nsection = "S"\nprompt = "?"\ntype = "number"\n'
        'min = 1\nmax = 2\nplanning = "cost.pue"\n'
    )
    with pytest.raises(QuestionnaireError, match="already fed by question 'q'"):
        parse_questionnaire(twice)


# --- the scorecard event ----------------------------------------------------------------------


def test_scorecard_event_round_trips_and_replays() -> None:
    s = fresh()
    before = len(s.events)
    record = s.set_scorecard(small_card(), PRIYA, "it", "Support matters more than list price.")
    assert record is not None and record.card == small_card() and not record.owner_mismatch
    event = s.events[-1]
    assert len(s.events) == before + 1 and event.kind == "scorecard" and event.role == "it"
    # the event records the totals and the trade-offs for the decision log
    assert "Alpha 7.20" in event.reason and "Beta 6.40" in event.reason  # 0.6x6+0.4x9, 0.6x8+0.4x4
    assert "Alpha gives up Price" in event.reason
    assert s.planning().scorecard == small_card()
    # same card, same person, same reason: nothing new
    same = s.set_scorecard(small_card(), PRIYA, "it", "Support matters more than list price.")
    assert same is record
    assert len(s.events) == before + 1

    text = dumps_session(s)
    loaded = loads_session(text)
    assert loaded == s and dumps_session(loaded) == text  # TOML round trip, byte for byte
    assert loaded.events[-1].scorecard == small_card()
    replayed = rebuild(loaded)
    assert replayed == loaded and replayed.scorecard == s.scorecard
    states = list(replay_states(loaded))
    assert states[-2].answers == states[-1].answers  # the scorecard is not an answer

    s.set_scorecard(small_card(winner_price=9), PRIYA, "it", "Alpha matched Beta's price.")
    assert s.scorecard is not None and s.scorecard.card.providers[0].scores["Price"] == 9
    s.clear_scorecard(PRIYA, "it", "Tender reopened.")
    assert s.scorecard is None and s.planning().scorecard is None
    assert rebuild(loads_session(dumps_session(s))).scorecard is None


def test_scorecard_errors_and_owner() -> None:
    s = fresh()
    with pytest.raises(KickoffError, match="no score for Support"):
        s.set_scorecard(
            {"criteria": [{"name": "Price", "weight": 1}, {"name": "Support", "weight": 1}],
             "providers": [{"name": "A", "scores": {"Price": 5}}]},
            PRIYA,
        )
    s.set_scorecard(small_card(), DANA, "app_owner")
    assert s.scorecard is not None and s.scorecard.owner_mismatch
    assert "decision-by-non-owner:scorecard" in {f.id for f in s.open_flags()}
    s.set_scorecard(small_card(), PRIYA, "it", "IT confirms.")
    assert "decision-by-non-owner:scorecard" not in {f.id for f in s.open_flags()}


def test_decision_log_shows_the_scorecard(example: Session) -> None:
    report = session_markdown(example)
    log = report[report.index("## Decision log") : report.index("## Red flags")]
    assert "### Provider scorecard" in log and "### Business case and costs" in log
    assert "Framework cloud 8.00, GPU neocloud 7.40, Own data centre 6.75" in log
    assert "Framework cloud gives up Price (weight 25%)" in log
    assert "vendor scorecard set by Priya Raman (IT)" in report  # the event log line


# --- export -------------------------------------------------------------------------------------


def test_planning_markdown_uses_the_session_answers(example: Session) -> None:
    text = planning_markdown(example)
    for heading in ("## Cost", "## Business case", "## Growth", "## Sensitivity",
                    "## Provider scorecard", "## Deployment"):
        assert heading in text, heading
    assert "Framework agreement quote FA-2026-014" in text  # the quoted price and its source
    assert "$2.45" in text
    assert "traffic growth per month**: 3.0% = 3.0% a month (session)" in text
    # 28 GPUs needed, rented as 4 whole 8-GPU instances: 32 x $2.45 x 730 h = $57,232 rent;
    # 32 / 100 x 1.5 engineers x $200,000 / 12 = $8,000
    assert "$1,080,000 / 12 - (reserved-1y rent $57,232 + staff $8,000)" in text


def test_export_markdown_and_deploy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    copy = tmp_path / "s.toml"
    shutil.copy(EXAMPLE, copy)
    assert main(["export", str(copy), "--markdown", "--out", "-"]) == 0
    out = capsys.readouterr().out
    assert out.index("## Decision log") < out.index("## Cost") < out.index("## Growth")
    assert "## Sensitivity" in out and "## Business case" in out and "## Deployment" in out

    deploy = tmp_path / "deploy"
    assert main(["export", str(copy), "--deploy", str(deploy)]) == 0
    written = {p.name for p in deploy.iterdir()}
    assert {"vllm-serve.sh", "kubernetes.yaml", "hpa.yaml", "prometheus-rules.yaml"} <= written
    assert not copy.with_suffix(".md").exists()  # --deploy alone writes no report
    assert "--max-num-seqs" in (deploy / "vllm-serve.sh").read_text("utf-8")

    assert main(["export", str(copy), "--markdown", "--deploy", str(tmp_path / "both")]) == 0
    assert copy.with_suffix(".md").exists() and (tmp_path / "both" / "kubernetes.yaml").exists()

    capsys.readouterr()
    assert main(["export", str(copy)]) == 2
    assert "--markdown, --deploy DIR or both" in capsys.readouterr().err
    assert main(["export", str(copy), "--deploy", str(deploy), "--out", "x.md"]) == 2


def test_cli_records_a_scorecard(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    copy = tmp_path / "s.toml"
    shutil.copy(EXAMPLE, copy)
    card = tmp_path / "card.toml"
    card.write_text(
        "[scorecard]\n"
        'criteria = [{ name = "Price", weight = 60 }, { name = "Support", weight = 40 }]\n'
        "providers = [\n"
        '  { name = "Alpha", scores = { Price = 6, Support = 9 } },\n'
        '  { name = "Beta", scores = { Price = 8, Support = 4 } },\n'
        "]\n",
        "utf-8",
    )
    events = len(load_session(copy).events)
    # --by defaults to the session's only IT participant (Priya)
    assert main(["scorecard", str(copy), "--set", str(card), "--why", "Tender result."]) == 0
    assert "7.20" in capsys.readouterr().out
    session = load_session(copy)
    assert len(session.events) == events + 1
    assert session.scorecard is not None and session.scorecard.set_by == PRIYA
    assert session.scorecard.rationale == "Tender result."
    assert session.scorecard.card == small_card()
    assert main(["scorecard", str(copy), "--set", str(card), "--why", "Tender result."]) == 0
    assert len(load_session(copy).events) == events + 1  # nothing changed, nothing appended
    assert main(["scorecard", str(copy), "--json"]) == 0  # shows the session's card
    assert '"Alpha"' in capsys.readouterr().out
    assert main(["scorecard", str(copy), "--set", str(card), "--by", SAM, "--role", "ai_team"]) == 0
    assert load_session(copy).scorecard.owner_mismatch  # type: ignore[union-attr]
    assert main(["scorecard", str(copy), "--clear", "--by", PRIYA]) == 0
    assert load_session(copy).scorecard is None
    assert main(["scorecard", str(copy)]) == 2  # no card in the session any more
    assert main(["scorecard", str(card), "--set", str(card)]) == 2  # --set needs a session
    # the planning commands read the session's answers
    assert main(["cost", str(copy), "--json"]) == 0
    assert "Framework agreement quote FA-2026-014" in capsys.readouterr().out


# --- the business-case red flag ---------------------------------------------------------------


def test_payback_beyond_hardware_life_is_an_open_flag() -> None:
    s = fresh()
    assert "business-case-payback" not in {f.id for f in s.flags}  # the example's case holds
    s.record_answer("setup_cost", 20_000_000, DANA, "app_owner", "Full CRM migration included.")
    flag = next(f for f in s.open_flags() if f.id == "business-case-payback")
    assert flag.severity == "critical" and flag.owner == "app_owner"
    assert "after the hardware's" in flag.message and "setup_cost" in flag.questions
    assert s.is_signed_off  # the flag is about money; the spec and its sign-offs stand
    s.record_answer("setup_cost", 120_000, DANA, "app_owner", "Migration descoped.")
    assert "business-case-payback" not in {f.id for f in s.open_flags()}
    assert next(f for f in s.flags if f.id == "business-case-payback").state == "resolved"
    s.record_answer("replaced_monthly_cost", 100, DANA, "app_owner", "Only one team uses it.")
    flag = next(f for f in s.open_flags() if f.id == "business-case-payback")
    assert "never pays back" in flag.message
