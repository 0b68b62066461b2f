"""Weighted vendor scorecard."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from kickoff_tui.cli import main
from kickoff_tui.planning import Scorecard, score
from kickoff_tui.planning.scorecard import Criterion, Provider, decision_entries


def test_seed_example_totals():
    """Seed 003 weights 25/20/20/15/15/5:
    AWS       = .25x8 + .2x5 + .2x8 + .15x10 + .15x10 + .05x10 = 8.10 (seed: 8.1)
    Lambda    = .25x7 + .2x7 + .2x9 + .15x5  + .15x7  + .05x7  = 7.10 (seed: 7.1)
    RunPod    = .25x6 + .2x9 + .2x6 + .15x4  + .15x6  + .05x5  = 6.25 (seed: 6.2)
    CoreWeave = .25x8 + .2x8 + .2x7 + .15x5  + .15x7  + .05x6  = 7.10 (the seed prints 7.2: an
                arithmetic slip in the source; 2.0 + 1.6 + 1.4 + 0.75 + 1.05 + 0.3 = 7.1)
    """
    result = score(Scorecard.seed_example())
    totals = {t.name: t.total for t in result.totals}
    assert totals == pytest.approx({"AWS": 8.10, "Lambda": 7.10, "RunPod": 6.25, "CoreWeave": 7.10})
    assert result.winner.name == "AWS"
    ranks = {t.name: t.rank for t in result.totals}
    assert ranks == {"AWS": 1, "CoreWeave": 2, "Lambda": 2, "RunPod": 4}
    assert not result.normalised


def test_tradeoffs_name_what_the_winner_gives_up():
    result = score(Scorecard.seed_example())
    text = "\n".join(result.tradeoffs)
    assert "AWS gives up Pricing (weight 20%): 5 vs 9 for RunPod" in text
    assert "AWS gives up Support quality (weight 20%): 8 vs 9 for Lambda" in text
    assert "RunPod ranks 4th but leads on Pricing" in text  # not "leads on Pricing despite ranking 4"
    assert "CoreWeave leads on GPU availability" not in text  # tied with the winner: no trade-off


def test_weights_are_normalised():
    card = Scorecard(
        criteria=[Criterion(name="price", weight=3), Criterion(name="support", weight=1)],
        providers=[
            Provider(name="A", scores={"price": 10, "support": 2}),
            Provider(name="B", scores={"price": 4, "support": 10}),
        ],
    )
    result = score(card)
    assert result.weights == pytest.approx({"price": 0.75, "support": 0.25})
    assert result.totals[0].name == "A" and result.totals[0].total == pytest.approx(8.0)
    assert result.normalised and "normalised" in result.tradeoffs[-1]


def test_ties_are_reported():
    card = Scorecard(
        criteria=[Criterion(name="x", weight=1)],
        providers=[Provider(name="A", scores={"x": 5}), Provider(name="B", scores={"x": 5})],
    )
    assert "tie at the top" in score(card).tradeoffs[0]


@pytest.mark.parametrize(
    "bad",
    [
        {"criteria": [{"name": "x", "weight": 1}], "providers": [{"name": "A", "scores": {}}]},
        {
            "criteria": [{"name": "x", "weight": 1}],
            "providers": [{"name": "A", "scores": {"x": 11}}],
        },
        {
            "criteria": [{"name": "x", "weight": 0}],
            "providers": [{"name": "A", "scores": {"x": 1}}],
        },
        {
            "criteria": [{"name": "x", "weight": 1}, {"name": "x", "weight": 1}],
            "providers": [{"name": "A", "scores": {"x": 1}}],
        },
        {
            "criteria": [{"name": "x", "weight": 1}],
            "providers": [{"name": "A", "scores": {"x": 1, "y": 2}}],
        },
    ],
)
def test_invalid_scorecards(bad):
    with pytest.raises(ValidationError):
        Scorecard.model_validate(bad)


def test_decision_log_entries():
    entries = decision_entries(Scorecard.seed_example())
    topic, value, why = entries[0]
    assert (topic, value) == ("provider_choice", "AWS") and "gives up Pricing" in why
    assert entries[1][1].startswith("GPU availability 25%")


def test_a_scorecard_naming_a_provider_twice_is_refused(tmp_path, capsys):
    """Two providers named "A" showed the second one's scores in both columns (total 0.00, "tie
    at the top: A, A"); `scorecard --set` recorded that card in the session."""
    path = tmp_path / "card.toml"
    path.write_text('[scorecard]\ncriteria = [{ name = "Pricing", weight = 50 }, { name = "Support", weight = 50 }]\n'
                    'providers = [{ name = "A", scores = { Pricing = 10, Support = 10 } }, '
                    '{ name = "a ", scores = { Pricing = 0, Support = 0 } }]\n', encoding="utf-8")
    assert main(["scorecard", str(path)]) == 2
    assert capsys.readouterr().err.endswith("providers: two providers are named 'a': name each provider once\n")
