"""How Kickoff's ids map to aiconfigurator-core's (build time; shared by
``scripts/distil_kernels.py`` and ``scripts/compare_aiconfigurator.py``, no third-party imports)."""

from __future__ import annotations

SYSTEMS = {
    "h100-sxm": "h100_sxm",
    "h200-sxm": "h200_sxm",
    "b200": "b200_sxm",
    "b300": "b300_sxm",
    "gb200": "gb200",
    "gb300": "gb300",
    "a100-80gb": "a100_sxm",  # the system yaml is the 80 GB SXM4 part (mem_capacity 80 GiB)
    "h100-pcie": "h100_pcie",
    "l40s": "l40s",
    "l4": "l4",
}
"""Kickoff GPU id -> aiconfigurator system (systems/*.yaml in aiconfigurator-core). b60 (Intel)
and rtx_pro_6000_server have no Kickoff GPU."""

WITHOUT_KERNEL_DATA = frozenset({"h100_pcie", "l4"})
"""Systems above whose database ships no kernel measurements in aiconfigurator-core 0.12.0
(a100_pcie and a30 neither; they have no Kickoff GPU)."""

BACKENDS = {"tensorrt-llm": "trtllm", "sglang": "sglang", "vllm": "vllm"}
"""Kickoff engine id -> aiconfigurator backend."""
