"""The sizing core: catalogs + answers in, performance estimates and a sized spec out.

Pure functions, no I/O beyond reading the shipped catalogs once, no Textual.
"""

from kickoff_tui.sizing.estimate import Estimate, ServingOptions, estimate
from kickoff_tui.sizing.inputs import SizingInputs
from kickoff_tui.sizing.sizer import size
from kickoff_tui.sizing.spec import Assumption, PhysicalLimits, SizedSpec, SkuOption

__all__ = [
    "Assumption",
    "Estimate",
    "PhysicalLimits",
    "ServingOptions",
    "SizedSpec",
    "SizingInputs",
    "SkuOption",
    "estimate",
    "size",
]
