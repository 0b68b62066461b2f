"""Compact text charts: memory per GPU (stacked bar), GPUs by SKU (bar per row), and on the
Plan tab GPUs needed as traffic grows and the inputs that move the GPU count most.

Segments differ by glyph as well as colour, so the chart reads on a monochrome projector.
"""

from __future__ import annotations

import math
import textwrap
from typing import TYPE_CHECKING

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from kickoff_tui.app.format import clip, safe

if TYPE_CHECKING:
    from kickoff_tui.planning import GrowthReport, SensitivityReport
    from kickoff_tui.planning.sensitivity import Side
    from kickoff_tui.sizing import SizedSpec

SEGMENTS: tuple[tuple[str, str, str], ...] = (
    ("weights", "█", "$primary"),
    ("KV cache", "▓", "$success"),
    ("overhead", "▒", "$warning"),
    ("free", "░", "$foreground-muted"),
)
"""(legend label, glyph, colour) for each segment of the memory bar, left to right."""


LEGEND_CELL = 17
"""Columns per legend entry ("▓ KV cache 157" plus spacing), so entries line up in columns."""


def split_cells(parts: list[float], width: int) -> list[int]:
    """Split ``width`` cells between ``parts`` in proportion, rounding so the cells add up.

    Largest-remainder rounding: each part gets its floor share, leftover cells go to the parts
    with the biggest fractional remainders. A part above zero gets at least one cell when room
    allows, so a small KV cache never disappears from the picture.
    """
    total = sum(parts)
    if width <= 0 or total <= 0:
        return [0 for _ in parts]
    exact = [p / total * width for p in parts]
    cells = [int(x) for x in exact]
    order = sorted(range(len(parts)), key=lambda i: exact[i] - cells[i], reverse=True)
    for i in order[: width - sum(cells)]:
        cells[i] += 1
    for i, part in enumerate(parts):
        if part > 0 and cells[i] == 0:
            donor = max(range(len(cells)), key=lambda j: cells[j])
            if cells[donor] > 1:
                cells[donor] -= 1
                cells[i] = 1
    return cells


def usable_gb(spec: SizedSpec) -> float:
    """GB an engine can allocate on one GPU of the spec: the driver's figure from the catalog
    (an "80GB" H100 reports 81,559 MiB = 85.5 GB, and the sizer plans in that), else the
    spec's nominal memory."""
    from kickoff_tui.catalog import CatalogError, get_gpu

    try:
        return get_gpu(spec.gpu).usable_memory_bytes / 1e9
    except CatalogError:
        return spec.memory_gb_per_gpu


def memory_parts(spec: SizedSpec) -> list[float]:
    """GB per GPU for weights, KV cache, overhead and free memory (free is never negative)."""
    used = spec.weights_gb_per_gpu + spec.kv_gb_per_gpu + spec.overhead_gb_per_gpu
    capacity = max(usable_gb(spec), used)
    return [spec.weights_gb_per_gpu, spec.kv_gb_per_gpu, spec.overhead_gb_per_gpu,
            capacity - used]


def render_memory(spec: SizedSpec | None, width: int) -> Content:
    """A one-line stacked bar plus a legend with GB figures."""
    if spec is None or spec.memory_gb_per_gpu <= 0:
        return Content.from_markup("[dim]Memory per GPU appears once sized.[/]")
    parts = memory_parts(spec)
    cells = split_cells(parts, max(width, 1))
    bar = "".join(
        f"[{colour}]{glyph * n}[/]" for (label, glyph, colour), n in zip(SEGMENTS, cells) if n
    )
    items = []
    for (label, glyph, colour), value in zip(SEGMENTS, parts):
        plain = f"{glyph} {label} {value:.0f}"
        items.append(f"[{colour}]{glyph}[/] {label} {value:.0f}" + " " * (LEGEND_CELL - len(plain)))
    per_row = max(1, width // LEGEND_CELL)
    legend = "\n".join("".join(items[i:i + per_row]).rstrip() for i in range(0, len(items), per_row))
    capacity = sum(parts)
    title = f"[b]Memory per GPU[/] [dim]{capacity:.1f} GB usable[/]"
    return Content.from_markup(f"{title}\n{bar}\n{legend}")


class MemoryChart(Widget):
    """Stacked bar of one GPU's memory: weights / KV cache / overhead / free."""

    DEFAULT_CSS = """
    MemoryChart { height: auto; }
    """

    spec: reactive[SizedSpec | None] = reactive(None)
    """Spec whose per-GPU memory is drawn."""

    def render(self) -> Content:
        return render_memory(self.spec, self.content_region.width or self.size.width)

    def watch_spec(self) -> None:
        # Same height for every spec once drawn; relayout only when that changes.
        if self.is_mounted:
            body = render_memory(self.spec, self.content_region.width or self.size.width)
            if len(body.wrap(self.content_region.width or 40)) != self.content_region.height:
                self.refresh(layout=True)


OUTLIER_FACTOR = 4
"""A SKU needing more than this many times the median GPU count is drawn clipped (with »), so
one very weak part does not flatten every other bar."""
SKU_NAME_WIDTH = 16
"""Columns for the SKU name in the bar chart."""


SKU_REASON_INDENT = 1 + SKU_NAME_WIDTH + 3
"""Where a SKU's reason starts: the ▶ mark, the name, then " ✗ "."""

SKU_REASON_MIN_WIDTH = 20
"""Narrowest a reason's lines get, however narrow the panel (a word or two a line)."""


def render_sku_bars(spec: SizedSpec | None, width: int) -> Content:
    """One row per SKU from the comparison: a bar of total GPUs, or why it does not fit."""
    from kickoff_tui.app.widgets.spec_panel import short_gpu_name

    if spec is None or not spec.comparison:
        return Content.from_markup("[dim]No SKU comparison yet.[/]")
    counts = sorted(o.total_gpus for o in spec.comparison if o.fits)
    median = counts[len(counts) // 2] if counts else 1
    scale_max = max((c for c in counts if c <= OUTLIER_FACTOR * median), default=1) or 1
    bar_room = max(width - SKU_NAME_WIDTH - 10, 4)
    lines = []
    for option in spec.comparison:
        name = clip(short_gpu_name(option.gpu_name), SKU_NAME_WIDTH).ljust(SKU_NAME_WIDTH)
        mark = "▶" if option.gpu == spec.gpu else " "
        if option.fits:
            clipped = option.total_gpus > scale_max
            n = bar_room if clipped else max(1, round(option.total_gpus / scale_max * bar_room))
            tail = "»" if clipped else ""
            lines.append(f"{mark}{safe(name)} [$primary]{'█' * n}[/]{tail} {option.total_gpus}")
        else:
            # the reason wraps under itself, not back to column 0 (a second line there read as
            # another SKU's row)
            parts = textwrap.wrap(option.reason or "does not fit",
                                  max(width - SKU_REASON_INDENT, SKU_REASON_MIN_WIDTH)) or [""]
            lines.append(f"{mark}{safe(name)} [$error]✗[/] [dim]{safe(parts[0])}[/]")
            lines += [f"{' ' * SKU_REASON_INDENT}[dim]{safe(part)}[/]" for part in parts[1:]]
    return Content.from_markup("\n".join(lines))


class SkuBars(Widget):
    """Total GPUs each SKU needs for the same workload (▶ marks the chosen SKU)."""

    DEFAULT_CSS = """
    SkuBars { height: auto; }
    """

    spec: reactive[SizedSpec | None] = reactive(None, layout=True)
    """Spec whose comparison is drawn."""

    def render(self) -> Content:
        return render_sku_bars(self.spec, self.content_region.width or self.size.width)


# --- Plan tab: growth and sensitivity ----------------------------------------------------------

COMPUTING = "[dim]computing…[/]"
"""Shown while a worker computes the report a chart draws."""
GROWTH_MAX_ROWS = 13
"""Month rows drawn at most (the same sampling as the planning layer's text chart)."""
GROWTH_LABEL_WIDTH = 9
"""Columns for "month 36" plus a space."""
GROWTH_OVER = " ▲ over"
"""Printed after the GPU count of a month that needs more than the sized fleet."""
SENSITIVITY_ROWS = 8
"""Inputs drawn in the sensitivity chart (the most influential ones)."""
SENSITIVITY_LABEL_WIDTH = 20
"""Columns for the input name ("size for max context")."""
SENSITIVITY_SIDE_TEXT = 6
"""Columns for the GPU change printed at each end of a sensitivity row ("+72", "fails")."""
BADGE_WIDTH = 5
"""Columns for the owner badge (" APP "); narrower badges are padded to it."""
OWNER_ROLES: dict[str, str] = {"application owner": "app_owner", "AI team": "ai_team", "IT": "it"}
"""Sensitivity owners (as the planning layer writes them) to role keys, for the badges."""


def growth_rows(report: GrowthReport) -> list[tuple[int, int | None]]:
    """(month, GPUs to buy in whole units) for at most :data:`GROWTH_MAX_ROWS` months, always
    the last one (compared with the GPUs bought today, ``report.sized_gpus``)."""
    points = report.points
    if not points:
        return []
    step = max(1, math.ceil(len(points) / GROWTH_MAX_ROWS))
    shown = points[::step]
    if shown[-1] is not points[-1]:
        shown.append(points[-1])
    return [(p.month, p.gpus_bought if p.gpus_bought is not None else p.total_gpus) for p in shown]


def render_growth(report: GrowthReport | None, pending: bool, error: str, width: int) -> Content:
    """GPUs needed month by month against the sized fleet (│); months beyond it say "over"."""
    if pending:
        return Content.from_markup(COMPUTING)
    if error:
        return Content.from_markup(f"[$error]✗[/] {safe(error)}")
    if report is None:
        return Content.from_markup("[dim]No growth projection yet.[/]")
    rows = growth_rows(report)
    if not rows:
        return Content.from_markup("[dim]No monthly growth rate: answer the growth question to "
                                   "see when the fleet runs out.[/]")
    top = max([report.sized_gpus, *(g for _, g in rows if g is not None)]) or 1
    tail_width = 1 + len(str(top)) + len(GROWTH_OVER)
    room = max(width - GROWTH_LABEL_WIDTH - tail_width, 6)
    mark = min(room - 1, round(report.sized_gpus / top * room))
    lines = []
    for month, gpus in rows:
        label = f"month {month}".ljust(GROWTH_LABEL_WIDTH)
        if gpus is None:
            lines.append(f"{label}[$error]✗ cannot be served on this SKU[/]")
            continue
        cells = max(1, round(gpus / top * room))
        inside = min(cells, mark)
        over = max(1 if gpus > report.sized_gpus else 0, cells - mark - 1)
        over = min(over, room - mark - 1)
        bar = f"[$primary]{'█' * inside}[/]{' ' * (mark - inside)}[b]│[/]"
        bar += f"[$error]{'▓' * over}[/]{' ' * (room - mark - 1 - over)}"
        tail = f" {gpus}" + (f"[$error]{GROWTH_OVER}[/]" if gpus > report.sized_gpus else "")
        lines.append(f"{label}{bar}{tail}")
    return Content.from_markup("\n".join(lines))


class GrowthBars(Widget):
    """GPUs needed as traffic grows, one bar per month step, │ at the sized fleet."""

    DEFAULT_CSS = """
    GrowthBars { height: auto; }
    """

    report: reactive[GrowthReport | None] = reactive(None, layout=True)
    """Growth projection drawn (from the screen's worker)."""
    pending: reactive[bool] = reactive(False, layout=True)
    """True while the projection is being computed."""
    error: reactive[str] = reactive("", layout=True)
    """Why there is no projection."""

    def render(self) -> Content:
        return render_growth(self.report, self.pending, self.error,
                             self.content_region.width or self.size.width)


def _side(side: Side | None) -> tuple[float | None, str]:
    """(GPU change or None, text printed for it) for one end of a sensitivity row."""
    if side is None:
        return None, "–"
    if side.delta is None:
        return None, "fails" if side.note.startswith("cannot be served") else "n/a"
    return float(side.delta), f"{side.delta:+d}"


def render_sensitivity(
    report: SensitivityReport | None, pending: bool, error: str, width: int
) -> Content:
    """Tornado chart: each input's GPU change at -50% (left) and +50% or flipped (right), most
    influential first, with the role to argue with. A change that cannot be served fills its
    side with ▓ and says "fails"."""
    from kickoff_tui.app.roles import ROLE_SHORT, badge_markup

    if pending:
        return Content.from_markup(COMPUTING)
    if error:
        return Content.from_markup(f"[$error]✗[/] {safe(error)}")
    if report is None or not report.rows:
        return Content.from_markup("[dim]No sensitivity yet.[/]")
    rows = report.rows[:SENSITIVITY_ROWS]
    deltas = [abs(v) for r in rows for v, _ in (_side(r.low), _side(r.high)) if v is not None]
    top = max([*deltas, 1.0])
    fixed = SENSITIVITY_LABEL_WIDTH + 1 + BADGE_WIDTH + 2 * SENSITIVITY_SIDE_TEXT + 4
    half = max((width - fixed) // 2, 3)
    lines = []
    for row in rows:
        label = clip(row.field.replace("_", " "), SENSITIVITY_LABEL_WIDTH)
        label = label.ljust(SENSITIVITY_LABEL_WIDTH) + ("*" if row.assumed else " ")
        role = OWNER_ROLES.get(row.owner)
        badge = badge_markup(role, short=True) if role else ""
        badge += " " * (BADGE_WIDTH - (len(ROLE_SHORT[role]) + 2 if role else 0))
        sides = []
        for side, left in ((row.low, True), (row.high, False)):
            value, text = _side(side)
            if value is None:
                fails = text == "fails"
                cells = half if fails else 0
                glyphs = f"[$error]{'▓' * cells}[/]" if fails else ""
            else:
                cells = max(1 if value else 0, round(abs(value) / top * half))
                colour = "$warning" if value > 0 else "$success"
                glyphs = f"[{colour}]{'█' * cells}[/]"
            pad = " " * (half - cells)
            sides.append((pad + glyphs, text) if left else (glyphs + pad, text))
        (left_bar, low_text), (right_bar, high_text) = sides
        lines.append(f"{safe(label)}{badge} {low_text:>{SENSITIVITY_SIDE_TEXT}} {left_bar}[b]│[/]"
                     f"{right_bar} {high_text}")
    return Content.from_markup("\n".join(lines))


class SensitivityBars(Widget):
    """Which single input moves the GPU count most: one diverging bar per input."""

    DEFAULT_CSS = """
    SensitivityBars { height: auto; }
    """

    report: reactive[SensitivityReport | None] = reactive(None, layout=True)
    """Sensitivity report drawn (from the screen's worker)."""
    pending: reactive[bool] = reactive(False, layout=True)
    """True while the report is being computed."""
    error: reactive[str] = reactive("", layout=True)
    """Why there is no report."""

    def render(self) -> Content:
        return render_sensitivity(self.report, self.pending, self.error,
                                  self.content_region.width or self.size.width)
