"""Weighted vendor scorecard (owned by IT): totals and the trade-offs they hide.

weighted total of a provider = sum(weight_c x score_c) / sum(weight_c), on the scores' 0-10 scale.
Weights need not add up to 1 (they are normalised, and the output says so).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from kickoff_tui.validation import NoYesNoNumbers

SCORE_MAX = 10.0
"""Scores are out of 10 (seed 003's scorecard uses 0-10)."""

WEIGHT_SUM_TOLERANCE = 1e-6
"""Weights within this of 1 (or 100) count as already normalised."""


class Criterion(NoYesNoNumbers):
    """One row of the scorecard."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=80)
    weight: float = Field(ge=0, le=100)
    """Relative importance; fractions (0.25) or percentages (25) both work."""


class Provider(NoYesNoNumbers):
    """One column: a provider and its score per criterion."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=80)
    scores: dict[str, float]
    """Criterion name -> score 0-10."""

    @field_validator("scores")
    @classmethod
    def _in_range(cls, value: dict[str, float]) -> dict[str, float]:
        for key, score in value.items():
            if not 0 <= score <= SCORE_MAX:
                raise ValueError(f"score for {key!r} must be between 0 and {SCORE_MAX:g}")
        return value


class Scorecard(NoYesNoNumbers):
    """The criteria with their weights and each provider's scores (stored in the session)."""

    model_config = ConfigDict(extra="forbid")

    criteria: list[Criterion] = Field(min_length=1, max_length=30)
    providers: list[Provider] = Field(min_length=1, max_length=20)

    @field_validator("providers")
    @classmethod
    def _named_once(cls, value: list[Provider]) -> list[Provider]:
        """Two columns named "A" (or "A" and "a ") showed the second one's scores for both."""
        seen: set[str] = set()
        for provider in value:
            key = " ".join(provider.name.split()).casefold()
            if key in seen:
                raise ValueError(f"two providers are named {provider.name.strip()!r}: name each provider once")
            seen.add(key)
        return value

    @model_validator(mode="after")
    def _complete(self) -> Scorecard:
        names = [c.name for c in self.criteria]
        if len(set(names)) != len(names):
            raise ValueError("criteria names must be unique")

        if sum(c.weight for c in self.criteria) <= 0:
            raise ValueError("at least one criterion needs a weight above 0")
        for provider in self.providers:
            missing = [n for n in names if n not in provider.scores]
            extra = [n for n in provider.scores if n not in names]
            if missing:
                raise ValueError(
                    f"provider {provider.name!r} has no score for {', '.join(missing)}"
                )
            if extra:
                raise ValueError(
                    f"provider {provider.name!r} scores unknown criteria {', '.join(extra)}"
                )
        return self

    @classmethod
    def seed_example(cls) -> Scorecard:
        """Seed 003's "Vendor Evaluation Framework" table, for docs and as a starting point."""
        weights = {
            "GPU availability": 25,
            "Pricing": 20,
            "Support quality": 20,
            "Ecosystem integration": 15,
            "Scalability": 15,
            "Security/compliance": 5,
        }
        table = {
            "AWS": (8, 5, 8, 10, 10, 10),
            "Lambda": (7, 7, 9, 5, 7, 7),
            "RunPod": (6, 9, 6, 4, 6, 5),
            "CoreWeave": (8, 8, 7, 5, 7, 6),
        }
        names = list(weights)
        return cls(
            criteria=[Criterion(name=n, weight=w) for n, w in weights.items()],
            providers=[
                Provider(name=p, scores=dict(zip(names, s, strict=True))) for p, s in table.items()
            ],
        )


class ProviderTotal(BaseModel):
    """A provider's weighted total and rank."""

    model_config = ConfigDict(extra="forbid")

    name: str
    total: float
    rank: int
    """1 = best; ties share a rank."""
    leads: list[str] = Field(default_factory=list)
    """Criteria where it has the (shared) top score."""
    trails: list[str] = Field(default_factory=list)
    """Criteria where it has the (shared) lowest score."""


class ScorecardResult(BaseModel):
    """Totals, ranking and the trade-offs in words."""

    model_config = ConfigDict(extra="forbid")

    totals: list[ProviderTotal]
    """Best first."""
    weights: dict[str, float]
    """Normalised weights (add up to 1)."""
    normalised: bool
    """True when the entered weights did not add up to 1 or 100."""
    tradeoffs: list[str]

    @property
    def winner(self) -> ProviderTotal:
        return self.totals[0]


def score(card: Scorecard) -> ScorecardResult:
    """Weighted totals, ranks, per-criterion leaders and the trade-offs they reveal."""
    raw = {c.name: c.weight for c in card.criteria}
    weight_sum = sum(raw.values())
    weights = {n: w / weight_sum for n, w in raw.items()}
    normalised = not (
        abs(weight_sum - 1) < WEIGHT_SUM_TOLERANCE or abs(weight_sum - 100) < WEIGHT_SUM_TOLERANCE
    )
    totals = {p.name: sum(weights[c] * p.scores[c] for c in weights) for p in card.providers}
    best = {c: max(p.scores[c] for p in card.providers) for c in weights}
    worst = {c: min(p.scores[c] for p in card.providers) for c in weights}
    several = len(card.providers) > 1
    order = sorted(card.providers, key=lambda p: (-round(totals[p.name], 9), p.name))
    rows: list[ProviderTotal] = []
    for index, provider in enumerate(order):
        rank = index + 1
        if rows and abs(rows[-1].total - totals[provider.name]) < 1e-9:
            rank = rows[-1].rank
        rows.append(
            ProviderTotal(
                name=provider.name,
                total=totals[provider.name],
                rank=rank,
                leads=[
                    c
                    for c in weights
                    if several and provider.scores[c] == best[c] and best[c] != worst[c]
                ],
                trails=[
                    c
                    for c in weights
                    if several and provider.scores[c] == worst[c] and best[c] != worst[c]
                ],
            )
        )
    tradeoffs: list[str] = []
    top = rows[0]
    if several:
        second = rows[1]
        if abs(top.total - second.total) < 1e-9:
            tied = [r.name for r in rows if r.rank == 1]
            tradeoffs.append(
                f"tie at the top: {', '.join(tied)} ({top.total:.2f}); the weights do not decide"
            )
        else:
            tradeoffs.append(
                f"{top.name} ranks first ({top.total:.2f} of 10), "
                f"{top.total - second.total:.2f} ahead of {second.name} ({second.total:.2f})"
            )
        winner = next(p for p in card.providers if p.name == top.name)
        for crit in sorted(weights, key=lambda c: -weights[c]):
            if winner.scores[crit] < best[crit]:
                leaders = [p.name for p in card.providers if p.scores[crit] == best[crit]]
                tradeoffs.append(
                    f"{top.name} gives up {crit} (weight {weights[crit]:.0%}): {winner.scores[crit]:g} "
                    f"vs {best[crit]:g} for {', '.join(leaders)}"
                )
        for row in rows[1:]:
            ahead = [c for c in row.leads if winner.scores[c] < best[c]]
            if ahead:
                tied = sum(1 for r in rows if r.rank == row.rank) > 1
                tradeoffs.append(
                    f"{row.name} ranks {_ordinal(row.rank)}{' (tied)' if tied else ''} but leads on "
                    f"{_and(ahead)}"
                )
    if normalised:
        tradeoffs.append(f"weights added up to {weight_sum:g}, not 1 or 100: normalised")
    return ScorecardResult(totals=rows, weights=weights, normalised=normalised, tradeoffs=tradeoffs)


def decision_entries(
    card: Scorecard, result: ScorecardResult | None = None
) -> list[tuple[str, str, str]]:
    """What the decision log records: ``(topic, value, rationale)`` rows, owner IT.

    The record layer appends them as IT's decision on the provider, with the trade-offs as the why.
    """
    result = result or score(card)
    weights = ", ".join(f"{c} {w:.0%}" for c, w in result.weights.items())
    totals = ", ".join(f"{t.name} {t.total:.2f}" for t in result.totals)
    return [
        ("provider_choice", result.winner.name, "; ".join(result.tradeoffs)),
        ("provider_scorecard_weights", weights, "weights set by IT in the session"),
        ("provider_scorecard_totals", totals, "weighted totals out of 10"),
    ]


def _ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th ... 11th, 12th, 13th, 21st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _and(items: list[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"
