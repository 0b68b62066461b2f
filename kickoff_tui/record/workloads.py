"""Several workloads in one session: which questions are asked once per workload, the workload
names a session accepts, the flags that name their workload, and the session as a portfolio.

Pure and headless. The rule (issue "one platform, several workloads"): the application owner's
and the AI team's sizing questions (traffic, SLOs, redundancy; model, precision, engine) are
asked once per workload; IT's answers (SKU, servers, racks, power, cooling, price basis), the
planning answers, the sign-offs and the review cadence are shared by the whole platform.
"""

from __future__ import annotations

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
    owned by the application owner or the AI team. Everything else is shared."""
    return question.feeds is not None and question.role in PER_WORKLOAD_ROLES and question.action is None


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


def portfolio_from_inputs(named: Sequence[tuple[str, SizingInputs]], title: str | None = None) -> Portfolio:
    """The portfolio a session's workloads make: IT's shared answers become the platform (taken
    from the first workload's inputs: they are the same for every workload), each workload keeps
    its own answers. A session of one workload gives :func:`portfolio_of_one` of its inputs."""
    from kickoff_tui.record.portfolio import IT_FIELDS, Platform, Portfolio, Workload

    if not named:
        raise ValueError("a portfolio needs at least one workload")
    it = named[0][1].model_dump(exclude_none=True, include=set(IT_FIELDS))
    platform = Platform.model_validate(it)
    workloads = [Workload.model_validate({"name": name, **inputs.model_dump(exclude_none=True,
                                                                             exclude=set(IT_FIELDS))})
                 for name, inputs in named]
    return Portfolio(title=title[:200] if title else None, platform=platform, workloads=workloads)
