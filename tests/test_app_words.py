"""What the screen and its screenshots say, word for word (issue 12): spaces where styled text
meets plain, cut names that look cut, ids in words, the decision log on one screen, session
files named after their title, participants renamed and removed."""

from __future__ import annotations

import html
import re
import tomllib
from pathlib import Path

import pytest

pytest.importorskip("textual")

from textual import events  # noqa: E402
from textual.widgets import DataTable, Input  # noqa: E402

from kickoff_tui.app.controller import Controller  # noqa: E402
from kickoff_tui.app.demo import (  # noqa: E402
    DEMO_PEOPLE,
    FIXED_NOW,
    answered_wizard,
    demo_app,
    plan,
    record_demo_answers,
    review,
    settle,
    to_wizard,
)
from kickoff_tui.app.format import clip  # noqa: E402
from kickoff_tui.app.widgets.charts import SKU_NAME_WIDTH, render_sku_bars  # noqa: E402
from kickoff_tui.app.widgets.spec_panel import render_spec  # noqa: E402
from kickoff_tui.record.io import load_session, sessions_dir, titled_session_path  # noqa: E402
from kickoff_tui.record.lock import SessionLocked, acquire_lock, lock_path  # noqa: E402
from kickoff_tui.sizing import SizingInputs, size  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KICKOFF_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def screen_text(app) -> str:  # type: ignore[no-untyped-def]
    """The screen as the terminal shows it, one line per row."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


SVG_CELL = 12.2
"""Width of one terminal cell in Rich's SVG export."""


def svg_as_a_viewer_draws_it(svg: str) -> str:
    """The text of an SVG screenshot placed cell by cell, as an SVG viewer draws it: each
    ``<text>`` run starts at its x; without ``xml:space="preserve"`` a viewer strips the run's
    leading and trailing spaces (so "Cost" + " of 32" is drawn "Costof 32")."""
    preserve = 'xml:space="preserve"' in svg[:400]
    rows: dict[float, dict[int, str]] = {}
    for match in re.finditer(r'<text class="[^"]*" x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>', svg):
        x, y, text = float(match[1]), float(match[2]), html.unescape(match[3])
        if not preserve:
            text = text.strip(" \u00a0")
        column = round(x / SVG_CELL)
        row = rows.setdefault(y, {})
        for offset, char in enumerate(text):
            row[column + offset] = " " if char == "\u00a0" else char
    lines = []
    for y in sorted(rows):
        row = rows[y]
        lines.append("".join(row.get(i, " ") for i in range(max(row) + 1)))
    return "\n".join(lines)


# --- spaces where styled text meets plain ---------------------------------------------------------

PLAN_PHRASES = ("Cost of", "GPU-h", " at $", "output) $", "/month on top", "Growth at",
                " GPUs bought")
"""Places on the Plan tab where a bold figure is followed by plain words."""


async def test_styled_words_keep_their_spaces_on_screen_and_in_screenshots() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 36), notifications=False) as pilot:
        await plan(pilot)
        on_screen = screen_text(app)
        drawn = svg_as_a_viewer_draws_it(app.export_screenshot())
        for phrase in PLAN_PHRASES:
            assert phrase in on_screen, phrase
            assert phrase in drawn, (phrase, drawn)
        for joined in ("Costof", "tokensat", "Growthat", "monthon"):
            assert joined not in drawn
        app.screen.query_one("#review-tabs").active = "tab-spec"  # type: ignore[attr-defined]
        await settle(pilot)
        drawn = svg_as_a_viewer_draws_it(app.export_screenshot())
        assert "Bound by: " in drawn and "Bound by:t" not in drawn
        assert "why these numbers" in drawn.lower()


async def test_the_wizard_screenshot_keeps_its_spaces() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 36), notifications=False) as pilot:
        await answered_wizard(pilot)
        drawn = svg_as_a_viewer_draws_it(app.export_screenshot())
        assert "Bound by: " in drawn
        assert "owns this · " in drawn


# --- cut names look cut --------------------------------------------------------------------------


def test_clip_ends_a_cut_text_with_an_ellipsis() -> None:
    assert clip("H100 SXM5 80GB", 16) == "H100 SXM5 80GB"
    assert clip("RTX PRO 6000 Blackwell Server", 16) == "RTX PRO 6000 Bl…"
    assert len(clip("x" * 40, 16)) == 16


def test_sku_names_cut_in_the_chart_end_with_an_ellipsis() -> None:
    spec = size(SizingInputs())
    long = "RTX PRO 6000 Blackwell Server Edition"
    comparison = [o.model_copy(update={"gpu_name": long}) if i == 0 else o
                  for i, o in enumerate(spec.comparison)]
    text = render_sku_bars(spec.model_copy(update={"comparison": comparison}), 80).plain
    first = text.splitlines()[0]
    assert first[1:1 + SKU_NAME_WIDTH] == long[:SKU_NAME_WIDTH - 1] + "…"


def test_a_long_value_in_the_narrow_spec_panel_ends_with_an_ellipsis() -> None:
    """A GPU name goes on to a second line under its column; what even two lines cannot hold
    ends in "…" (a cut name must look cut)."""
    spec = size(SizingInputs())
    long_gpu = spec.model_copy(update={"gpu_name": "NVIDIA H100 SXM5 80GB with a very long name indeed"})
    lines = render_spec(long_gpu, width=30).plain.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("GPU "))
    assert "H100 SXM5 80GB" in lines[at] and "…" not in lines[at], lines[at]
    assert lines[at + 1].startswith(" " * 12) and lines[at + 1].rstrip(" *").endswith("…"), lines[at + 1]


# --- ids in words --------------------------------------------------------------------------------


def test_kickoff_size_prints_cooling_and_engine_in_words(capsys: pytest.CaptureFixture[str]) -> None:
    from kickoff_tui.cli import main

    assert main(["size", str(REPO / "examples" / "bank-rag.toml")]) == 0
    out = capsys.readouterr().out
    assert "rear-door heat exchanger" in out
    assert not re.search(r"│ rdhx\s", out)
    assert not re.search(r"│ vllm\s", out)


def test_the_spec_panel_says_cooling_in_words() -> None:
    spec = size(SizingInputs())
    text = render_spec(spec.model_copy(update={"cooling": "dlc"}), width=40).plain
    assert "direct liquid cooling" in text and "dlc" not in text


# --- decision log fits 120 columns ----------------------------------------------------------------


async def test_decision_log_fits_120_columns_with_by_and_why_on_screen() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40), notifications=False) as pilot:
        await review(pilot)
        app.screen.query_one("#review-tabs").active = "tab-log"  # type: ignore[attr-defined]
        await settle(pilot)
        table = app.screen.query_one("#review-log", DataTable)
        needed = sum(c.get_render_width(table) for c in table.columns.values())
        assert needed <= table.scrollable_content_region.width, (needed, table.size)
        assert table.max_scroll_x == 0
        text = screen_text(app)
        header = next(line for line in text.splitlines() if "Question" in line and "Owner" in line)
        assert "By" in header and "Why" in header
        # a long rationale wraps inside its column instead of being cut off
        assert "p99 in-flight from the" in text and "logs" in text
        for name, _role in DEMO_PEOPLE:
            assert name in text


# --- the session file follows its title -----------------------------------------------------------


def test_the_session_file_is_renamed_after_the_title_and_keeps_its_lock(tmp_path: Path) -> None:
    controller = Controller(clock=lambda: FIXED_NOW)
    session = controller.new_session()
    old = session.autosave_file
    assert old is not None and "ai-infrastructure-kickoff" in old.name
    session.add_participant("Dana Whitfield", "app_owner")
    session.set_title("Regional bank: RAG assistant")
    new = controller.follow_title()
    assert new is not None and new == session.autosave_file
    assert re.fullmatch(r"2026-03-02-regional-bank-rag-assistant-[0-9a-f]{4}\.toml", new.name)
    assert new.name[-9:] == old.name[-9:], "the short id stays"
    assert not old.exists() and not lock_path(old).exists()
    assert lock_path(new).exists()
    with pytest.raises(SessionLocked):
        acquire_lock(new)  # still ours: a second kickoff cannot write it
    session.record_answer("use_case", "rag", "Dana Whitfield", "app_owner", "support bot")
    saved = tomllib.loads(new.read_text("utf-8"))
    assert saved["title"] == "Regional bank: RAG assistant"
    assert saved["answers"]["use_case"]["rationale"] == "support bot"
    assert [p for p in sessions_dir().glob("*.toml")] == [new]
    controller.release_lock()
    resumed = load_session(new)
    assert resumed.id == session.id and len(resumed.events) == len(session.events)
    assert controller.follow_title() is None, "unchanged title: nothing to do"


def test_a_file_the_user_named_keeps_its_name(tmp_path: Path) -> None:
    mine = tmp_path / "2026-03-02-our-kickoff-abcd.toml"
    assert titled_session_path(mine, "Something else") is None
    inside = sessions_dir() / "2026-03-02-ai-infrastructure-kickoff-5fc9.toml"
    assert titled_session_path(inside, "Bank") == sessions_dir() / "2026-03-02-bank-5fc9.toml"
    assert titled_session_path(sessions_dir() / "bank.toml", "Bank 2") is None


def test_a_rename_never_overwrites_another_file() -> None:
    controller = Controller(clock=lambda: FIXED_NOW)
    session = controller.new_session()
    old = session.autosave_file
    assert old is not None
    taken = titled_session_path(old, "Bank")
    assert taken is not None
    taken.write_text("someone else's file", "utf-8")
    session.set_title("Bank")
    assert controller.follow_title() is None
    assert session.autosave_file == old and old.exists()
    assert taken.read_text("utf-8") == "someone else's file"
    controller.release_lock()


async def test_retitling_on_the_participants_screen_renames_the_file() -> None:
    app = demo_app()
    async with app.run_test(size=(100, 30), notifications=False) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        old = app.controller.require().autosave_file
        title = app.screen.query_one("#session-title", Input)
        title.value = "Regional bank kickoff"
        title.focus()
        await pilot.press("enter")
        await settle(pilot)
        session = app.controller.require()
        assert session.title == "Regional bank kickoff"
        assert session.autosave_file is not None and "regional-bank-kickoff" in session.autosave_file.name
        assert old is not None and not old.exists() and session.autosave_file.exists()


# --- participants: rename and remove --------------------------------------------------------------


async def _people_screen(pilot) -> None:  # type: ignore[no-untyped-def]
    await to_wizard(pilot)
    record_demo_answers(pilot.app)
    await pilot.press("f2")
    await settle(pilot)


async def test_a_participant_is_renamed_and_their_answers_follow() -> None:
    app = demo_app()
    async with app.run_test(size=(100, 36), notifications=False) as pilot:
        await _people_screen(pilot)
        assert type(app.screen).__name__ == "ParticipantsScreen"
        await pilot.click(".person-rename")  # the first person: Dana Whitfield
        await settle(pilot)
        field = app.screen.query_one("#rename-name", Input)
        assert field.value == "Dana Whitfield"
        field.value = "Dana Whitfield-Osei"
        await pilot.press("enter")
        await settle(pilot)
        session = app.controller.require()
        assert [p.name for p in session.participants][0] == "Dana Whitfield-Osei"
        assert session.answers["use_case"].answered_by == "Dana Whitfield-Osei"
        assert session.events[-1].kind == "participant_rename"
        assert (session.events[-1].by, session.events[-1].value) == ("Dana Whitfield",
                                                                     "Dana Whitfield-Osei")
        saved = tomllib.loads(session.autosave_file.read_text("utf-8"))  # type: ignore[union-attr]
        assert saved["answers"]["use_case"]["answered_by"] == "Dana Whitfield-Osei"
        assert "Dana Whitfield-Osei" in screen_text(app)
        # Back to the questions: the "Answered by" list has the new name.
        await pilot.press("escape")
        await settle(pilot)
        assert type(app.screen).__name__ == "WizardScreen"
        from kickoff_tui.app.widgets.question_form import answerer_options

        assert any("Dana Whitfield-Osei" in str(label)
                   for label, _ in answerer_options(session.participants))


async def test_removing_a_participant_asks_first_and_their_answers_keep_their_name() -> None:
    app = demo_app()
    async with app.run_test(size=(100, 36), notifications=False) as pilot:
        await _people_screen(pilot)
        session = app.controller.require()
        buttons = list(app.screen.query(".person-remove"))
        assert len(buttons) == 3
        sam = buttons[1]  # Sam Okafor, AI team
        sam.press()
        await settle(pilot)
        assert type(app.screen).__name__ == "ConfirmDialog"
        assert "answers" in screen_text(app) and "Sam Okafor" in screen_text(app)
        await pilot.press("enter")  # Cancel has the focus: nothing happens
        await settle(pilot)
        assert [p.name for p in session.participants] == [n for n, _ in DEMO_PEOPLE]
        list(app.screen.query(".person-remove"))[1].press()
        await settle(pilot)
        app.screen.query_one("#confirm-yes").press()
        await settle(pilot)
        assert [p.name for p in session.participants] == ["Dana Whitfield", "Priya Raman"]
        assert session.answers["model"].answered_by == "Sam Okafor"  # kept
        assert session.events[-1].kind == "participant_remove"
        assert session.events[-1].by == "Sam Okafor"
        saved = tomllib.loads(session.autosave_file.read_text("utf-8"))  # type: ignore[union-attr]
        assert [p["name"] for p in saved["participants"]] == ["Dana Whitfield", "Priya Raman"]
        assert saved["answers"]["model"]["answered_by"] == "Sam Okafor"
        assert saved["events"][-1]["kind"] == "participant_remove"
        # Resuming replays the removal.
        assert [p.name for p in load_session(session.autosave_file).participants] == [  # type: ignore[arg-type]
            "Dana Whitfield", "Priya Raman"]


def test_rename_refuses_a_name_already_listed_for_the_role() -> None:
    from kickoff_tui.errors import KickoffError
    from kickoff_tui.record import Session
    from kickoff_tui.record.summary import event_line

    session = Session.new("t", clock=lambda: FIXED_NOW)
    session.add_participant("Dana", "app_owner")
    session.add_participant("Dan", "app_owner")
    with pytest.raises(KickoffError, match="already listed"):
        session.rename_participant("Dan", "app_owner", "Dana")
    assert session.rename_participant("Dana", "app_owner", "Dana") is None
    event = session.rename_participant("Dan", "app_owner", "Daniel")
    assert event is not None
    assert "renamed to Daniel" in event_line(event, session.questionnaire)
    removal = session.remove_participant("Daniel", "app_owner", "left early")
    assert "left early" in event_line(removal, session.questionnaire)
    with pytest.raises(KickoffError, match="not listed"):
        session.remove_participant("Daniel", "app_owner")


# --- a huge paste into a name says so ------------------------------------------------------------


async def test_a_10000_character_paste_into_a_name_is_an_inline_message() -> None:
    app = demo_app()
    async with app.run_test(size=(100, 30), notifications=False) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        name = app.screen.query_one("#person-name", Input)
        name.focus()
        name.post_message(events.Paste("x" * 10_000))
        await settle(pilot)
        assert name.value == "x" * 10_000, "the paste stays in the field to be shortened"
        error = str(app.screen.query_one("#person-error").render())
        assert error.startswith("✗ Name:") and "10,000 characters" in error and "200" in error
        await pilot.press("enter")
        await settle(pilot)
        assert app.controller.require().participants == []
        assert "✗" in str(app.screen.query_one("#person-error").render())


async def test_number_placeholders_are_not_cut_at_80_columns() -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24), notifications=False) as pilot:
        await to_wizard(pilot)
        for qid in ("peak_concurrency", "users", "max_context_tokens", "monthly_budget_usd"):
            app.screen._show_question(qid)  # type: ignore[attr-defined]
            await settle(pilot)
            field = app.screen.query_one("#q-input", Input)
            assert len(field.placeholder) <= field.content_region.width, (qid, field.placeholder)


async def test_ctrl_c_says_how_to_quit_in_plain_words() -> None:
    """Ctrl+C showed "Press [b]ctrl+q[/b] to quit the app": Textual's message has markup, and
    every notification of Kickoff is plain text (it carries user text)."""
    app = demo_app()
    messages: list[str] = []
    shown = app.notify
    app.notify = lambda message, **kw: (messages.append(message), shown(message, **kw))  # type: ignore[method-assign]
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+c")
        await settle(pilot)
        assert messages and messages[-1].startswith("Press q to quit the app"), messages  # q on the start screen
        assert not any("[b]" in m for m in messages)


async def test_a_shrinking_terminal_keeps_the_focused_field_on_screen() -> None:
    """At 120x40, in the export folder field of "Sign-off & export", then resized to 80x24: the
    field slid off screen while it still took the keys (a TUI audit)."""
    app = demo_app()
    async with app.run_test(size=(120, 40), notifications=False) as pilot:
        await review(pilot)
        app.screen.query_one("#review-tabs").active = "tab-signoff"  # type: ignore[attr-defined]
        await settle(pilot)
        field = app.screen.query_one("#export-dir", Input)
        field.focus()
        await settle(pilot)
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        await settle(pilot)
        assert app.screen.focused is field
        visible = field.region.intersection(app.screen.region)
        assert visible.height >= 1 and visible.width >= 10, (field.region, app.screen.region)


async def test_the_reasons_are_headed_by_their_figures_names() -> None:
    """"Why these numbers" read "tpot ms:", "it power kw:", "gpus per replica:" (field names);
    the Review screen and the report head them as the tables name the figures."""
    from kickoff_tui.record.markdown import session_markdown

    app = demo_app()
    async with app.run_test(size=(120, 40), notifications=False) as pilot:
        await review(pilot)
        why = str(app.screen.query_one("#review-why").render())
        assert "TPOT:" in why and "IT power:" in why and "GPUs per replica:" in why
        assert "tpot ms" not in why and "it power kw" not in why
        report = session_markdown(app.controller.require())
        assert "- **TPOT**:" in report and "- **tpot_ms**" not in report


def test_a_long_sku_reason_wraps_under_itself() -> None:
    """A reason longer than the line wrapped back to column 0, where its second line read as
    another SKU's row (a TUI audit); it now wraps under the reason's first word."""
    spec = size(SizingInputs(model="llama-3.1-70b", peak_concurrency=180, rack_power_kw=30))
    lines = render_sku_bars(spec, 100).plain.splitlines()
    indent = 1 + SKU_NAME_WIDTH + 3  # the mark, the name, " ✗ "
    long = [o for o in spec.comparison if not o.fits and len(o.reason) > 100 - indent]
    assert long, "this spec has a long reason (GB300's rack-scale note)"
    for line in lines:
        assert len(line) <= 100, line
        assert line[:indent].strip() == "" or line[1:1 + SKU_NAME_WIDTH].strip(), line
    continuation = [line for line in lines if line[:indent].strip() == ""]
    assert continuation and all(line[indent] != " " for line in continuation)
