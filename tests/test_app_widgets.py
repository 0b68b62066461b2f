"""Fast tests of the app's display helpers (no running app): charts, spec rows, keys, roles."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("textual")

from kickoff_tui.app.dialogs.help import key_label  # noqa: E402
from kickoff_tui.app.dialogs.jump import matches  # noqa: E402
from kickoff_tui.app.roles import ROLE_BADGES, badge_markup  # noqa: E402
from kickoff_tui.app.screens.wizard import assumed_value, clip  # noqa: E402
from kickoff_tui.app.widgets.charts import render_memory, render_sku_bars, split_cells  # noqa: E402
from kickoff_tui.app.widgets.flags_panel import flags_summary, severity_markup  # noqa: E402
from kickoff_tui.app.widgets.spec_panel import (  # noqa: E402
    figure_is_assumed,
    render_spec,
    short_fabric,
    short_gpu_name,
)
from kickoff_tui.record import default_questionnaire  # noqa: E402
from kickoff_tui.sizing import SizingInputs, size  # noqa: E402


@pytest.fixture(scope="module")
def default_spec():  # type: ignore[no-untyped-def]
    return size(SizingInputs())


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=1e4), min_size=1, max_size=5),
       st.integers(min_value=1, max_value=200))
def test_split_cells_fills_the_width_exactly(parts: list[float], width: int) -> None:
    cells = split_cells(parts, width)
    assert len(cells) == len(parts)
    assert all(c >= 0 for c in cells)
    if sum(parts) > 0:
        assert sum(cells) == width
    else:
        assert sum(cells) == 0


def test_split_cells_keeps_small_parts_visible() -> None:
    assert split_cells([1000, 1, 0], 10) == [9, 1, 0]


def test_memory_chart_shows_every_segment_with_glyph_and_figure(default_spec) -> None:  # type: ignore[no-untyped-def]
    text = render_memory(default_spec, 30).plain
    for word in ("weights", "KV cache", "overhead", "free"):
        assert word in text
    bar = text.splitlines()[1]
    assert len(bar) == 30 and "█" in bar and "▓" in bar


def test_spec_panel_marks_assumed_figures_in_words(default_spec) -> None:  # type: ignore[no-untyped-def]
    assert figure_is_assumed(default_spec, "total_gpus")  # nothing answered: all defaults
    wide = render_spec(default_spec, width=40).plain
    assert "assumed" in wide and "Total GPUs" in wide and "Bound by" in wide
    narrow = render_spec(default_spec, width=30).plain
    assert "* assumed" in narrow  # the compact panel explains its marker


def test_spec_panel_without_spec_says_why() -> None:
    assert "Cannot size" in render_spec(None, pending="Cannot size: x").plain


def test_answered_inputs_are_not_assumed() -> None:
    spec = size(SizingInputs(gpu="h100-sxm"))
    assert not figure_is_assumed(spec, "gpu")


def test_sku_bars_mark_chosen_and_clip_outliers(default_spec) -> None:  # type: ignore[no-untyped-def]
    text = render_sku_bars(default_spec, 60).plain
    assert "▶" in text
    rows = [line for line in text.splitlines() if line[:3].strip()]  # a long reason's next lines are indented
    assert len(rows) == len(default_spec.comparison)


def test_short_names() -> None:
    assert short_gpu_name("AMD Instinct MI325X 256GB") == "MI325X 256GB"
    assert short_gpu_name("NVIDIA H100 SXM5 80GB") == "H100 SXM5 80GB"
    assert short_fabric("NVLink 4, 900 GB/s per GPU") == "NVLink 4"
    assert short_fabric("Ethernet front-end (replicas are independent)") == "Ethernet front-end"
    assert short_fabric("") == "—"
    assert clip("abcdef", 4) == "abc…" and clip("abc", 4) == "abc"


def test_roles_and_severities_carry_words_not_only_colour() -> None:
    for role, label in ROLE_BADGES.items():
        assert label in badge_markup(role)
    assert "CRITICAL" in severity_markup("critical") and "■" in severity_markup("critical")
    assert "WARNING" in severity_markup("warning")


def test_key_label() -> None:
    assert key_label("pagedown,ctrl+n") == "PgDn / Ctrl+N"
    assert key_label("f1") == "F1"


def test_jump_matching_uses_all_words() -> None:
    q = default_questionnaire().get("peak_concurrency")
    assert matches(q, "peak same moment")
    assert not matches(q, "peak zebra")


def test_assumed_value_names_the_default_used(default_spec) -> None:  # type: ignore[no-untyped-def]
    q = default_questionnaire().get("use_case")
    assert assumed_value(q, default_spec) == "Chat assistant"  # the choice's words, not its id


def test_flags_summary_counts() -> None:
    assert "No open red flags" in flags_summary([])


def test_memory_chart_is_scaled_to_the_memory_an_engine_can_use(default_spec) -> None:  # type: ignore[no-untyped-def]
    """An "80GB" H100 reports 85.5 GB to the engine and the sizer plans in that: a TensorRT-LLM
    spec using 84 GB read "Memory per GPU 84 GB" next to "H100 SXM5 80GB", as if it overflowed."""
    from kickoff_tui.catalog import get_gpu

    h100 = get_gpu("h100-sxm")
    spec = default_spec.model_copy(update={"gpu": "h100-sxm", "memory_gb_per_gpu": 80.0, "weights_gb_per_gpu": 70.55,
                                           "kv_gb_per_gpu": 10.7, "overhead_gb_per_gpu": 3.07})
    text = render_memory(spec, 40).plain
    assert f"{h100.usable_memory_bytes / 1e9:.1f} GB usable" in text.splitlines()[0], text
    assert "free 1" in text  # 85.5 - 84.3 GB, not 0


def test_a_long_spec_value_goes_on_under_its_column_instead_of_being_cut(default_spec) -> None:  # type: ignore[no-untyped-def]
    """Replay's narrow panels read "Cooling  rear-door heat…" and the wizard's "GB200 NVL72 (pe…"."""
    spec = default_spec.model_copy(update={"cooling": "rdhx"})
    lines = render_spec(spec, width=32).plain.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("Cooling"))
    assert "…" not in lines[at] and "rear-door" in lines[at]
    assert lines[at + 1].startswith(" " * 12) and "exchanger" in lines[at + 1], lines[at:at + 2]


def test_a_scaled_assumption_reads_in_the_questions_unit(default_spec) -> None:  # type: ignore[no-untyped-def]
    """The sizer assumes an acceptance of 0.7; the question asks for a percentage (scale 0.01):
    the status must say 70%, not 0.7%."""
    from kickoff_tui.sizing.spec import Assumption

    q = default_questionnaire().get("speculative_acceptance")
    assert q.scale != 1.0
    spec = default_spec.model_copy(update={"assumptions": [
        *default_spec.assumptions, Assumption(field=q.feeds, value="0.7", reason="default")]})
    assert assumed_value(q, spec) == "70%"


@pytest.mark.parametrize("text", ["x [/b", "x [bold", "x [/", "a\\[b", "[b]hi[/b]", "[/]"])
def test_safe_text_reads_as_typed_next_to_the_markups_own_tags(text: str) -> None:
    """Textual's escape leaves an unclosed "[/b" as it is, and its parser then rejects the
    panel's closing "[/]" after it (a GPU name cut inside a tag crashed the spec panel)."""
    from textual.content import Content

    from kickoff_tui.app.format import safe

    assert Content.from_markup(f"[b]{safe(text)}[/]").plain == text


def test_a_name_cut_inside_a_tag_does_not_break_the_panel(default_spec) -> None:  # type: ignore[no-untyped-def]
    spec = default_spec.model_copy(update={"gpu_name": "Acme [bold]GPU[/bold] name that wraps"})
    for width in range(20, 50):
        assert "Acme" in render_spec(spec, width=width).plain
