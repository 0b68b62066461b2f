"""Compact text charts: memory per GPU (stacked bar) and GPUs by SKU (bar per row).

Segments differ by glyph as well as colour, so the chart reads on a monochrome projector.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from kickoff_tui.app.format import safe

if TYPE_CHECKING:
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


def memory_parts(spec: SizedSpec) -> list[float]:
    """GB per GPU for weights, KV cache, overhead and free memory (free is never negative)."""
    used = spec.weights_gb_per_gpu + spec.kv_gb_per_gpu + spec.overhead_gb_per_gpu
    capacity = max(spec.memory_gb_per_gpu, used)
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
    capacity = max(spec.memory_gb_per_gpu, sum(parts[:3]))
    title = f"[b]Memory per GPU[/] [dim]{capacity:.0f} GB[/]"
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
        name = short_gpu_name(option.gpu_name)[:SKU_NAME_WIDTH].ljust(SKU_NAME_WIDTH)
        mark = "▶" if option.gpu == spec.gpu else " "
        if option.fits:
            clipped = option.total_gpus > scale_max
            n = bar_room if clipped else max(1, round(option.total_gpus / scale_max * bar_room))
            tail = "»" if clipped else ""
            lines.append(f"{mark}{safe(name)} [$primary]{'█' * n}[/]{tail} {option.total_gpus}")
        else:
            reason = option.reason or "does not fit"
            lines.append(f"{mark}{safe(name)} [$error]✗[/] [dim]{safe(reason)}[/]")
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
