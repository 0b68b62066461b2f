"""Everything the planning sections read from a session besides the sizing inputs."""

from __future__ import annotations

from pydantic import ConfigDict, Field

from kickoff_tui.validation import NoYesNoNumbers
from kickoff_tui.planning.business import BusinessCase
from kickoff_tui.planning.cost import CostOverrides
from kickoff_tui.planning.growth import GrowthSettings
from kickoff_tui.planning.scorecard import Scorecard


class PlanningOverrides(NoYesNoNumbers):
    """Cost quotes, growth expectations, the business case and the vendor scorecard.

    A session stores one of these (TOML table ``[planning]``, sub-tables ``[planning.cost]``,
    ``[planning.growth]``, ``[planning.business]``, ``[planning.scorecard]``); a sizing-inputs
    file may carry the same table.
    """

    model_config = ConfigDict(extra="forbid")

    cost: CostOverrides = Field(default_factory=CostOverrides)
    """Prices and cost assumptions (IT)."""
    growth: GrowthSettings = Field(default_factory=GrowthSettings)
    """Traffic growth (application owner)."""
    business: BusinessCase | None = None
    """Value per request or cost replaced (application owner); optional section."""
    scorecard: Scorecard | None = None
    """Weighted vendor scorecard (IT); optional section."""
