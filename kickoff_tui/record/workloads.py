"""Several workloads in one session: which questions are asked once per workload, the workload
names a session accepts, the flags that name their workload, and the session as a portfolio.

Pure and headless. The rule (issue "one platform, several workloads"): the application owner's
and the AI team's sizing questions (traffic, SLOs, redundancy; model, precision, engine) are
asked once per workload; IT's answers (SKU, servers, racks, power, cooling, price basis), the
planning answers, the sign-offs and the review cadence are shared by the whole platform.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from kickoff_tui.record.questionnaire import Question, Questionnaire

if TYPE_CHECKING:
    from kickoff_tui.record.flags import Flag
    from kickoff_tui.record.portfolio import Portfolio
    from kickoff_tui.sizing.inputs import SizingInputs

PER_WORKLOAD_ROLES: tuple[str, ...] = ("app_owner", "ai_team")
"""Roles whose sizing answers belong to one workload (IT's are the platform's)."""

FLAG_WORKLOAD_SEPARATOR = "@"
"""A flag raised for one workload has the id ``rule@workload`` (``rule:subject@workload``)."""


def is_per_workload(question: Question) -> bool:
    """True for a question asked once per workload: a sizing question (it ``feeds`` an input)
    or a portfolio question (peak window, history...), owned by the application owner or the AI
    team. Everything else is shared."""
    return ((question.feeds is not None or question.portfolio is not None)
            and question.role in PER_WORKLOAD_ROLES and question.action is None)


# --- portfolio questions: peak window, off-peak share, history, candidate models ------------------

MIN_PORTFOLIO_WORKLOADS = 2
"""Portfolio questions apply from two workloads on: with one workload there is no other peak to
share capacity with, and the session is sized exactly as before portfolios."""

_PORTFOLIO_TYPES: dict[str, str] = {
    "peak_hours": "text", "off_peak_fraction": "number", "history": "text", "candidates": "text",
}
"""The answer type each portfolio field takes."""

_HISTORY_SPLIT = re.compile(r"[\s,;]+")


def portfolio_question_problem(question: Question) -> str | None:
    """Why a questionnaire question cannot set the portfolio field it names, or None."""
    field = question.portfolio
    if field is None:
        return None
    if question.feeds is not None or question.planning is not None or question.action is not None:
        return "a portfolio question sets its portfolio field only (no feeds, planning or action)"
    if question.role not in PER_WORKLOAD_ROLES:
        return f"portfolio field {field!r} belongs to the application owner or the AI team"
    wanted = _PORTFOLIO_TYPES[field]
    if question.type != wanted:
        return f"portfolio field {field!r} takes a {wanted} question, not {question.type}"
    if field == "off_peak_fraction":
        low = question.min if question.min is not None else -math.inf
        high = question.max if question.max is not None else math.inf
        if low < 0 or high * question.scale > 1:
            return "the off-peak share must stay within 0 and 1 after scale (0-100 % with scale 0.01)"
    return None


_ROW_SPLIT = re.compile(r"[;\r\n]+")
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
"""One spreadsheet cell formatted with thousands separators: ``41,000``."""
_MONTH_ROW = re.compile(r"(\d{4}-\d{2})\s*,\s*(.+)")


def parse_history_text(text: str) -> list[float]:
    """Monthly request counts typed or pasted: numbers separated by commas, semicolons, spaces or
    new lines (oldest first), or ``YYYY-MM,requests`` rows pasted from a spreadsheet (one row a
    line, or rows separated by ``;`` on one line). Raises :class:`ValueError` with a line for
    people."""
    from kickoff_tui.planning.history import MIN_MONTHS, MONTH_RE, parse_history_csv
    from kickoff_tui.record.portfolio import MAX_HISTORY_MONTHS, MAX_REQUESTS_PER_MONTH

    if MONTH_RE.search(text):
        counts = parse_history_csv("\n".join(row.strip() for row in _ROW_SPLIT.split(text)))
    else:
        counts = []
        for i, cell in enumerate((c for c in _HISTORY_SPLIT.split(text.strip()) if c), start=1):
            try:
                value = float(cell.replace("_", ""))
            except ValueError:
                raise ValueError(f"month {i}: {cell[:20]!r} is not a request count (write plain "
                                 "numbers such as 41000, oldest month first, without thousands "
                                 "separators)") from None
            counts.append(value)
    if len(counts) > MAX_HISTORY_MONTHS:
        raise ValueError(f"{len(counts)} months is more than the {MAX_HISTORY_MONTHS} a history holds; "
                         "paste the most recent ones")
    for i, value in enumerate(counts, start=1):
        if not math.isfinite(value) or value <= 0:
            raise ValueError(f"month {i}: request counts are positive numbers, not {value:g}")
        if value > MAX_REQUESTS_PER_MONTH:
            raise ValueError(f"month {i}: {value:g} requests a month is beyond any service "
                             f"(at most {MAX_REQUESTS_PER_MONTH:g})")
    if len(counts) < MIN_MONTHS:
        raise ValueError(f"a growth fit needs at least {MIN_MONTHS} months; {len(counts)} given")
    return counts


def _history_row(line: str) -> str:
    """One pasted spreadsheet row as the history answer writes it: columns (tabs) become
    commas and a count formatted ``41,000`` loses its thousands separators."""
    cells = [c.strip() for c in line.split("\t") if c.strip()]
    if len(cells) == 1 and (month := _MONTH_ROW.fullmatch(cells[0])):
        cells = [month.group(1), month.group(2)]
    return ",".join(c.replace(",", "") if _THOUSANDS.fullmatch(c) else c for c in cells)


def pasted_answer_text(field: str | None, text: str) -> str:
    """What a paste puts into a one-line answer box: a multi-line paste keeps every line, with
    each line break turned into the separator the answer reads (a one-line box cannot hold a
    line break, and Textual keeps only the first line).

    - ``history``: each line one month (``41000``, ``41,000`` or ``2024-01<tab>41000`` pasted
      from a spreadsheet), joined with ``; `` (a first line without digits is a header, dropped);
    - ``candidates``: one model a line, joined with ``, ``;
    - any other text answer: the lines joined with a space.

    Text without a line break is returned as it is. What cannot be read stays in the box for
    the answer's own check to name (the inline error)."""
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    if "\n" not in text and "\r" not in text:
        return text
    if field == "history":
        if lines and not any(ch.isdigit() for ch in lines[0]):
            lines = lines[1:]
        return "; ".join(_history_row(line) for line in lines)
    if field == "candidates":
        return ", ".join(c.strip() for line in lines for c in line.split("\t") if c.strip())
    return " ".join(lines)


CANDIDATE_PRECISION_SEPARATOR = "@"
"""``model@precision``: a candidate served at its own precision (``qwen3-235b-a22b@fp8``)."""


def parse_candidates(text: str, *, check_catalog: bool = True) -> list[tuple[str, str | None]]:
    """The AI team's accepted models, best first: catalog model ids separated by commas,
    semicolons or new lines, each optionally with the precision it is served at
    (``llama-3.3-70b, qwen3-235b-a22b@fp8``; without one, the workload's precision). Returns
    (model, precision or None). Raises :class:`ValueError` for an unknown model or precision, a
    repeated candidate, or too many."""
    from kickoff_tui.catalog.schema import PRECISIONS
    from kickoff_tui.record.portfolio import MAX_CANDIDATES

    entries: list[tuple[str, str | None]] = []
    for cell in (c.strip() for c in re.split(r"[,;\n]+", text)):
        if not cell:
            continue
        model, sep, precision = (part.strip() for part in cell.partition(CANDIDATE_PRECISION_SEPARATOR))
        if not model:
            raise ValueError(f"{cell[:40]!r}: name the model before '@' (e.g. qwen3-235b-a22b@fp8)")
        if sep:
            precision = precision.lower()
            if precision not in PRECISIONS:
                raise ValueError(f"{cell[:40]!r}: the precision after '@' is one of {', '.join(PRECISIONS)}")
        entries.append((model, precision if sep else None))
    if not entries:
        raise ValueError("name at least one model")
    if len(entries) > MAX_CANDIDATES:
        raise ValueError(f"at most {MAX_CANDIDATES} candidate models ({len(entries)} given)")
    if len({(m.casefold(), p) for m, p in entries}) != len(entries):
        raise ValueError("a model is listed twice (at the same precision)")
    if check_catalog:
        from kickoff_tui.catalog import CatalogError, get_model

        for model, _ in entries:
            try:
                get_model(model)
            except CatalogError:
                raise ValueError(f"{model[:64]!r} is not a catalog model (see `kickoff catalog "
                                 "models`)") from None
    return entries


def parse_candidates_text(text: str, *, check_catalog: bool = True) -> list[str]:
    """The candidates as the session writes them: ``model`` or ``model@precision``, best first
    (see :func:`parse_candidates`)."""
    return [m + (f"{CANDIDATE_PRECISION_SEPARATOR}{p}" if p else "")
            for m, p in parse_candidates(text, check_catalog=check_catalog)]


def _format_count(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def normalise_portfolio_answer(field: str, text: str, *, check_catalog: bool = True) -> str:
    """A text answer to a portfolio question, checked and written the one way the session keeps
    it (``"8-18"`` -> ``"08-18"``; history as ``"41000, 45500, ..."``)."""
    from kickoff_tui.record.portfolio import parse_peak_hours

    if field == "peak_hours":
        try:
            start, end = parse_peak_hours(text)
        except ValueError as err:
            if "empty" in str(err):
                raise ValueError("the peak window is empty (it starts where it ends); leave the "
                                 "question unanswered if the peak may come at any hour") from None
            raise
        return f"{start:02d}-{end if end else 24:02d}"
    if field == "history":
        return ", ".join(_format_count(v) for v in parse_history_text(text))
    if field == "candidates":
        return ", ".join(parse_candidates_text(text, check_catalog=check_catalog))
    return text


def portfolio_fields(questionnaire: Questionnaire, answers: Mapping[str, object],
                     hidden: frozenset[str] | set[str] = frozenset()) -> dict[str, object]:
    """The portfolio fields one workload's answers set (``peak_hours``, ``off_peak_fraction``,
    ``history``, ``candidates``), ready for a :class:`~kickoff_tui.record.portfolio.Workload`.
    Unanswered and hidden questions set nothing."""
    from kickoff_tui.record.models import Answer

    out: dict[str, object] = {}
    for question in questionnaire.questions:
        if question.portfolio is None or question.id in hidden:
            continue
        answer = answers.get(question.id)
        value = answer.value if isinstance(answer, Answer) else answer
        if value is None:
            continue
        if question.portfolio == "off_peak_fraction":
            out["off_peak_fraction"] = float(value) * question.scale
        elif question.portfolio == "peak_hours":
            out["peak_hours"] = str(value)
        elif question.portfolio == "history":
            out["history"] = parse_history_text(str(value))
        else:
            entries = parse_candidates(str(value), check_catalog=False)
            out["candidates"] = [{"model": m, "quality_rank": rank, **({"precision": p} if p else {})}
                                 for rank, (m, p) in enumerate(entries, start=1)]
    return out


def per_workload_ids(questionnaire: Questionnaire) -> frozenset[str]:
    return frozenset(q.id for q in questionnaire.questions if is_per_workload(q))


def workload_name_problem(name: str, taken: Sequence[str] = ()) -> str | None:
    """Why ``name`` cannot name a workload (the portfolio file's rule), or None."""
    from kickoff_tui.record.portfolio import MAX_NAME_CHARS, NAME_RE

    if not name:
        return "a workload needs a name"
    if len(name) > MAX_NAME_CHARS:
        return f"a workload name is at most {MAX_NAME_CHARS} characters"
    if not NAME_RE.fullmatch(name):
        return ("a workload name is letters, digits, spaces and . _ - ( ) / +, starting with a "
                "letter or digit")
    if name.casefold() in {t.casefold() for t in taken}:
        return f"there is already a workload named {name!r}"
    return None


def clean_workload_name(name: str) -> str:
    """Spaces collapsed, ends trimmed (what the session records)."""
    return " ".join(str(name).split())


def default_first_name(answers: Mapping[str, object], taken: Sequence[str] = ()) -> str:
    """A name for a single-workload session's workload when a second one is added: its use case
    ("chat", "rag"...) when answered, else ``workload 1`` (the user can rename it)."""
    from kickoff_tui.record.models import Answer

    use_case = answers.get("use_case")
    value = use_case.value if isinstance(use_case, Answer) else use_case
    for candidate in ([value] if isinstance(value, str) and value else []) + ["workload 1"]:
        if workload_name_problem(candidate, taken) is None:
            return candidate
    n = 2
    while workload_name_problem(f"workload {n}", taken) is not None:
        n += 1
    return f"workload {n}"


# --- flags ----------------------------------------------------------------------------------------


def flag_for_workload(flag: Flag, workload: str) -> Flag:
    """The flag as one workload raised it: ``@workload`` on its id, the workload in its message."""
    return flag.model_copy(update={
        "id": f"{flag.id}{FLAG_WORKLOAD_SEPARATOR}{workload}",
        "rule": flag.rule,
        "message": f"Workload {workload!r}: {flag.message}",
    })


def flag_workload(flag_id: str) -> str | None:
    """The workload a flag id names (None for a flag of the whole platform)."""
    if FLAG_WORKLOAD_SEPARATOR not in flag_id:
        return None
    return flag_id.rsplit(FLAG_WORKLOAD_SEPARATOR, 1)[1]


def merge_workload_flags(per_workload: Sequence[tuple[str, list[Flag]]],
                         per_question: frozenset[str]) -> list[Flag]:
    """One list from the flags each workload's answers raise.

    A flag every workload raises the same way, about shared questions only (a missing
    maintenance window, no review cadence), is the platform's and listed once without a
    workload; any other flag names its workload."""
    if not per_workload:
        return []
    seen: dict[str, list[tuple[str, Flag]]] = {}
    order: list[str] = []
    for name, flags in per_workload:
        for flag in flags:
            if flag.id not in seen:
                seen[flag.id] = []
                order.append(flag.id)
            seen[flag.id].append((name, flag))
    out: list[Flag] = []
    everyone = len(per_workload)
    for flag_id in order:
        raised = seen[flag_id]
        first = raised[0][1]
        shared = (len(raised) == everyone and not set(first.questions) & per_question
                  and all(f.message == first.message for _, f in raised))
        if shared:
            out.append(first)
        else:
            out.extend(flag_for_workload(f, name) for name, f in raised)
    return out


# --- the session as a portfolio -------------------------------------------------------------------


def portfolio_from_inputs(named: Sequence[tuple[str, SizingInputs]], title: str | None = None,
                          extras: Mapping[str, Mapping[str, object]] | None = None) -> Portfolio:
    """The portfolio a session's workloads make: IT's shared answers become the platform (taken
    from the first workload's inputs: they are the same for every workload), each workload keeps
    its own answers (``extras``: each workload's peak window, off-peak share, history and
    candidate models, by name). When the AI team named candidate models, IT's monthly budget is
    the budget of the model-mix optimiser. A session of one workload gives
    :func:`portfolio_of_one` of its inputs."""
    from kickoff_tui.record.portfolio import IT_FIELDS, Platform, Portfolio, Workload

    if not named:
        raise ValueError("a portfolio needs at least one workload")
    it = named[0][1].model_dump(exclude_none=True, include=set(IT_FIELDS))
    platform = Platform.model_validate(it)
    extras = extras or {}
    workloads = [Workload.model_validate({"name": name, **extras.get(name, {}),
                                          **inputs.model_dump(exclude_none=True, exclude=set(IT_FIELDS))})
                 for name, inputs in named]
    budget = None
    if any(w.candidates for w in workloads):  # the model-mix optimiser's budget: IT's answer
        budget = named[0][1].monthly_budget_usd
    return Portfolio(title=title[:200] if title else None, platform=platform, workloads=workloads,
                     budget_usd_per_month=budget)
