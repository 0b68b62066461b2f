"""Planning beyond the spec: cost, growth, business case, provider scorecard, sensitivity and the
deployment export. Pure code (no Textual); every figure carries its trace.

Entry points used by other layers:

- :func:`write_deployment` (``kickoff export FILE --deploy DIR`` and ``kickoff deploy``)
- :func:`markdown_sections` (the Markdown export)
- :class:`PlanningOverrides` (what a session stores for these sections)
"""

from __future__ import annotations

from kickoff_tui.planning.business import BusinessCase, BusinessReport, business_report
from kickoff_tui.planning.cost import CostOverrides, CostReport, cost_report
from kickoff_tui.planning.deploy import deployment_files, write_deployment
from kickoff_tui.planning.figures import Figure
from kickoff_tui.planning.growth import GrowthReport, GrowthSettings, growth_report
from kickoff_tui.planning.markdown import markdown_sections
from kickoff_tui.planning.overrides import PlanningOverrides
from kickoff_tui.planning.scorecard import Scorecard, ScorecardResult, score
from kickoff_tui.planning.sensitivity import SensitivityReport, sensitivity

__all__ = [
    "BusinessCase",
    "BusinessReport",
    "CostOverrides",
    "CostReport",
    "Figure",
    "GrowthReport",
    "GrowthSettings",
    "PlanningOverrides",
    "Scorecard",
    "ScorecardResult",
    "SensitivityReport",
    "business_report",
    "cost_report",
    "deployment_files",
    "growth_report",
    "markdown_sections",
    "score",
    "sensitivity",
    "write_deployment",
]
