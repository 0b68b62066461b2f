"""Error bands: how sure an estimate is, from the calibration residuals of its group.

``catalog/data/error_bands.toml`` (written by ``scripts/make_error_bands.py``) holds, per group
(engine x vendor x dense/MoE) and metric, the 10th and 90th percentile of the log error
ln(predicted / measured) over the published measurements of that group. A new estimate's
measured value is expected inside [predicted x e^-p90, predicted x e^-p10] (clamped so the
band always contains the estimate). A group with too few measurements gets the pooled band of
all measurements (never narrower than +-50-80%, and wider than most groups' own); a part with
no measured kernel or bandwidth efficiency widens it further.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from kickoff_tui.catalog.schema import GPU, Model

METRIC_KEYS = ("ttft", "tpot", "throughput")
UNMEASURED_PART_WIDENING = math.log(1.25)
"""Extra log-width on both sides when the part has no measured GEMM / bandwidth figure (its
efficiencies are the catalog defaults): the spread between measured parts' efficiencies and the
default is about +-25% (H200 0.69, GB200 0.55, MI300X 0.44 GEMM against the 0.62 default)."""


@dataclass(frozen=True)
class Band:
    group: str
    note: str
    ttft: tuple[float, float]
    tpot: tuple[float, float]
    throughput: tuple[float, float]

    def _range(self, key: str, value: float) -> tuple[float, float]:
        lo, hi = getattr(self, key)
        return value * math.exp(-max(hi, 0.0)), value * math.exp(-min(lo, 0.0))

    def latency_range(self, metric: str, value: float) -> tuple[float, float]:
        return self._range(metric, value)

    def throughput_range(self, value: float) -> tuple[float, float]:
        return self._range("throughput", value)

    def factor(self, metric: str, end: str) -> float:
        """Multiplier from the estimate to the ``low`` or ``high`` end of its band."""
        low, high = self._range(metric, 1.0)
        return low if end == "low" else high


def _table() -> dict:
    from kickoff_tui.catalog.error_bands import error_band_table

    return error_band_table()


def vendor_of(gpu: GPU) -> str:
    return gpu.vendor.strip().lower()


def group_name(engine_id: str, vendor: str, moe: bool) -> str:
    return f"{engine_id} / {vendor} / {'moe' if moe else 'dense'}"


@lru_cache(maxsize=512)
def _band(engine_id: str, vendor: str, moe: bool, measured: bool) -> Band:
    table = _table()
    minimum = int(table.get("min_rows", 8))
    name = group_name(engine_id, vendor, moe)
    widest = table["widest"]
    found = None
    for group in table.get("group", []):
        if group["engine"] == engine_id and group["vendor"] == vendor and group["kind"] == ("moe" if moe else "dense"):
            found = group
            break
    values: dict[str, tuple[float, float]] = {}
    if found is not None and int(found.get("rows", 0)) >= minimum:
        note = f"from {found['rows']} published measurements of {name}"
        for key in METRIC_KEYS:
            pair = found.get(key) or widest[key]
            if int(found.get(f"{key}_rows", found["rows"])) < minimum:
                pair = widest[key]
            values[key] = (float(pair[0]), float(pair[1]))
    else:
        rows = int(found["rows"]) if found else 0
        if rows == 0:
            note = (f"no published serving measurement (throughput, TPOT or TTFT) of {name} in the "
                    "calibration set: the pooled band of all measurements")
        else:
            note = (f"only {rows} published serving measurement{'' if rows == 1 else 's'} of {name} "
                    f"(fewer than {minimum}): the pooled band of all measurements")
        values = {key: (float(widest[key][0]), float(widest[key][1])) for key in METRIC_KEYS}
    if not measured:
        note += "; no measured kernel or bandwidth efficiency for this part: widened"
        values = {k: (lo - UNMEASURED_PART_WIDENING, hi + UNMEASURED_PART_WIDENING) for k, (lo, hi) in values.items()}
    return Band(group=name, note=note, **values)


def band_for(engine_id: str, gpu: GPU, model: Model) -> Band:
    from kickoff_tui.sizing.perf import measured_efficiency_source

    measured = measured_efficiency_source(gpu) != "none"
    return _band(engine_id, vendor_of(gpu), model.is_moe, measured)


def bands_info() -> tuple[str, str]:
    """(date, command) that produced the shipped band table."""
    table = _table()
    return str(table.get("date", "")), str(table.get("command", ""))


def clear_cache() -> None:
    from kickoff_tui.catalog.error_bands import error_band_table

    error_band_table.cache_clear()
    _band.cache_clear()
