"""The portfolio answers typed or pasted into a one-line box: request history, candidate models."""

from __future__ import annotations

import pytest

from kickoff_tui.record.questionnaire import default_questionnaire
from kickoff_tui.record.workloads import parse_history_text, pasted_answer_text

SPREADSHEET = "month\trequests\n2026-01\t41,000\n2026-02\t45,500\n2026-03\t52,000\n"


@pytest.mark.parametrize("pasted, counts", [
    ("41000\n45500\n52000\n", [41000, 45500, 52000]),
    ("41000\r\n45500\r\n52000\r\n", [41000, 45500, 52000]),  # from a Windows spreadsheet
    ("41,000\n45,500\n52,000", [41000, 45500, 52000]),  # cells formatted with separators
    (SPREADSHEET, [41000, 45500, 52000]),  # two columns with a header
    ("2026-01,41000\n\n2026-02,45500\n2026-03,52000\n", [41000, 45500, 52000]),
    ("requests\n41000\n45500\n52000", [41000, 45500, 52000]),
])
def test_a_pasted_column_keeps_every_month(pasted: str, counts: list[int]) -> None:
    text = pasted_answer_text("history", pasted)
    assert "\n" not in text and "\r" not in text and "\t" not in text
    assert parse_history_text(text) == counts
    question = default_questionnaire().get("request_history")
    assert question.validate_value(text) == ", ".join(str(c) for c in counts)


def test_month_rows_on_one_line_are_read_too() -> None:
    assert parse_history_text("2026-01,41000; 2026-02,45500; 2026-03,52000") == [41000, 45500, 52000]


@pytest.mark.parametrize("pasted, message", [
    ("41000\nlots\n52000", "month 2: 'lots' is not a request count"),
    ("2026-01\t41000\n2026-02\tlots\n2026-03\t52000", "row 2: the request count is not a number"),
    ("2026-01\t41000\n2026-03\t45500\n2026-04\t52000", "months must follow each other"),
    ("41000\n45500", "at least 3 months"),
])
def test_what_a_paste_cannot_read_is_named(pasted: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_history_text(pasted_answer_text("history", pasted))


def test_a_paste_without_line_breaks_is_left_alone() -> None:
    assert pasted_answer_text("history", "41000, 45500") == "41000, 45500"
    assert pasted_answer_text(None, "Dana Whitfield") == "Dana Whitfield"


def test_other_pasted_answers_keep_their_lines() -> None:
    assert pasted_answer_text("candidates", "llama-3.3-70b\nllama-3.1-8b\n") == "llama-3.3-70b, llama-3.1-8b"
    assert pasted_answer_text(None, "first line\nsecond line\n") == "first line second line"
