"""Compare two sessions: sizing inputs, other answers, who owns each decision, and the spec."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from kickoff_tui.errors import KickoffError
from kickoff_tui.record.models import Answer
from kickoff_tui.record.session import Session
from kickoff_tui.record.summary import SPEC_FIELDS, answer_text, role_label, spec_value
from kickoff_tui.sizing.spec import SizedSpec

DiffSection = Literal["workloads", "inputs", "answers", "owners", "rationale", "spec", "scorecard", "signoff",
                      "cadence"]
SECTION_TITLES: dict[str, str] = {
    "workloads": "Workloads",
    "inputs": "Sizing inputs",
    "answers": "Other answers",
    "owners": "Who decided",
    "rationale": "Why",
    "spec": "Spec",
    "scorecard": "Vendor scorecard",
    "signoff": "Sign-off",
    "cadence": "Review cadence",
}


@dataclass(frozen=True)
class DiffEntry:
    """One difference: ``key`` was ``a`` in the first session and ``b`` in the second."""

    section: DiffSection
    key: str
    a: str
    b: str


@dataclass
class SessionDiff:
    """Every difference between two sessions, grouped by section in a fixed order."""

    a_title: str
    b_title: str
    entries: list[DiffEntry] = field(default_factory=list)
    a_spec_source: str = ""
    b_spec_source: str = ""

    @property
    def is_empty(self) -> bool:
        return not self.entries

    def section(self, name: str) -> list[DiffEntry]:
        return [e for e in self.entries if e.section == name]

    def lines(self) -> list[str]:
        """The diff as text lines (``key: a -> b`` under each section heading)."""
        out = [f"A: {self.a_title}", f"B: {self.b_title}"]
        if self.is_empty:
            return [*out, "no differences"]
        for name, title in SECTION_TITLES.items():
            entries = self.section(name)
            if not entries:
                continue
            heading = title
            if name == "spec":
                heading += f" (A {self.a_spec_source}, B {self.b_spec_source})"
            out.append("")
            out.append(f"{heading}:")
            width = max(len(e.key) for e in entries)
            for entry in entries:
                out.append(f"  {entry.key:<{width}}  {entry.a} -> {entry.b}")
        return out


def _spec_of(session: Session) -> tuple[SizedSpec | None, str]:
    if session.signed_spec is not None:
        return session.signed_spec, "as signed off"
    spec = session.spec()
    return spec, "re-sized now, not signed off"


def _inputs(session: Session, workload: str | None = None) -> dict[str, object]:
    try:
        return session.sizing_inputs(workload).model_dump()
    except KickoffError:
        return {}


def _workload_views(session: Session, other: Session) -> dict[str, tuple[str | None, dict]]:
    """Workload name -> (the name to ask the session for, its own answers). A session without
    named workloads shows its one workload under the other session's first name."""
    if session.workloads:
        return {w.name: (w.name, w.answers) for w in session.workloads}
    own = {k: v for k, v in session.answers.items() if session.is_per_workload(k)}
    name = other.workloads[0].name if other.workloads else "workload"
    return {name: (None, own)}


def _workload_entries(a: Session, b: Session, rank: dict[str, int]) -> list[DiffEntry]:
    """Per-workload differences of two sessions one of which is a portfolio: the list of
    workloads, then each workload's inputs, owners and reasons (keys ``workload: name``)."""
    entries: list[DiffEntry] = []
    va, vb = _workload_views(a, b), _workload_views(b, a)
    if list(va) != list(vb):
        entries.append(DiffEntry("workloads", "workloads", ", ".join(va) or "-", ", ".join(vb) or "-"))
    per_fields = {q.feeds for q in (*a.questionnaire.questions, *b.questionnaire.questions)
                  if q.feeds and a.is_per_workload(q.id)}
    for name in dict.fromkeys([*va, *vb]):
        ask_a, answers_a = va.get(name, (None, {}))
        ask_b, answers_b = vb.get(name, (None, {}))
        left_in = _inputs(a, ask_a) if name in va else {}
        right_in = _inputs(b, ask_b) if name in vb else {}
        for key in sorted(per_fields, key=lambda n: (rank.get(n, len(rank)), n)):
            left, right = left_in.get(key), right_in.get(key)
            if left != right:
                entries.append(DiffEntry("inputs", f"{name}: {key}", _show(left), _show(right)))
        for qid in dict.fromkeys([*answers_a, *answers_b]):
            left, right = answers_a.get(qid), answers_b.get(qid)
            question = a.questionnaire.find(qid) or b.questionnaire.find(qid)
            # a workload's own answer that is no sizing input (its request history, peak window,
            # off-peak share) moves the fleet's growth and off-peak figures
            value = question is not None and question.feeds is None and question.action is None
            entries += _answer_entries(f"{name}: {qid}", qid, left, right, a, b, value=value)
    return entries


def _answer_entries(key: str, qid: str, left: Answer | None, right: Answer | None, a: Session, b: Session,
                    *, value: bool) -> list[DiffEntry]:
    """How one answer differs: its value (when ``value``: the sizing inputs are compared
    apart), who gave it, and why."""
    out: list[DiffEntry] = []
    if value:
        lv = answer_text(a.questionnaire, qid, left.value) if left else "-"
        rv = answer_text(b.questionnaire, qid, right.value) if right else "-"
        if lv != rv:
            out.append(DiffEntry("answers", key, lv, rv))
    lo = f"{left.answered_by} ({role_label(left.role)})" if left else "-"
    ro = f"{right.answered_by} ({role_label(right.role)})" if right else "-"
    if lo != ro:
        out.append(DiffEntry("owners", key, lo, ro))
    lw = (left.rationale or "-") if left else "-"
    rw = (right.rationale or "-") if right else "-"
    if lw != rw:
        out.append(DiffEntry("rationale", key, lw, rw))
    return out


def _show(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def diff_sessions(a: Session, b: Session) -> SessionDiff:
    """What differs between session ``a`` and session ``b``."""
    result = SessionDiff(a_title=f"{a.title} ({a.id})", b_title=f"{b.title} ({b.id})")
    entries = result.entries

    a_inputs, b_inputs = _inputs(a), _inputs(b)
    fed = [q.feeds for q in (*a.questionnaire.questions, *b.questionnaire.questions) if q.feeds]
    rank = {name: i for i, name in enumerate(dict.fromkeys(fed))}
    names = sorted(set(a_inputs) | set(b_inputs), key=lambda n: (rank.get(n, len(rank)), n))
    portfolio = bool(a.workloads or b.workloads)
    if portfolio:  # per-workload inputs are compared workload by workload below
        per = {q.feeds for q in a.questionnaire.questions if q.feeds and a.is_per_workload(q.id)}
        names = [n for n in names if n not in per]
        entries += _workload_entries(a, b, rank)
    for name in names:
        left, right = a_inputs.get(name), b_inputs.get(name)
        if left != right:
            entries.append(DiffEntry("inputs", name, _show(left), _show(right)))

    qa, qb = a.questionnaire, b.questionnaire
    order = {q.id: i for i, q in enumerate(qa.questions)}
    for i, q in enumerate(qb.questions):
        order.setdefault(q.id, len(qa.questions) + i)
    ids = sorted(set(a.answers) | set(b.answers), key=lambda k: (order.get(k, len(order)), k))
    for qid in ids:
        question = qa.find(qid) or qb.find(qid)
        left, right = a.answers.get(qid), b.answers.get(qid)
        value = question is None or (question.feeds is None and question.action is None)
        entries += _answer_entries(qid, qid, left, right, a, b, value=value)

    a_spec, result.a_spec_source = _spec_of(a)
    b_spec, result.b_spec_source = _spec_of(b)
    if a_spec is None or b_spec is None:
        if (a_spec is None) != (b_spec is None):
            entries.append(
                DiffEntry(
                    "spec",
                    "sized",
                    "yes" if a_spec else f"no ({a.sizing_error})",
                    "yes" if b_spec else f"no ({b.sizing_error})",
                )
            )
    else:
        if a_spec.feasible != b_spec.feasible:
            entries.append(DiffEntry("spec", "feasible", _show(a_spec.feasible), _show(b_spec.feasible)))
        for name, _label in SPEC_FIELDS:
            left_s, right_s = spec_value(a_spec, name), spec_value(b_spec, name)
            if left_s != right_s:
                entries.append(DiffEntry("spec", name, left_s, right_s))

    if portfolio:
        entries += _fleet_entries(a, b)

    entries += _scorecard_entries(a, b)

    for role in ("it", "ai_team"):
        sa, sb = a.signoff(role), b.signoff(role)
        left_t = f"{sa.name} on {sa.at.date()}" if sa else "not signed"
        right_t = f"{sb.name} on {sb.at.date()}" if sb else "not signed"
        if left_t != right_t:
            entries.append(DiffEntry("signoff", role_label(role), left_t, right_t))

    ca = f"{a.cadence.every}, next {a.cadence.next_review}" if a.cadence else "none"
    cb = f"{b.cadence.every}, next {b.cadence.next_review}" if b.cadence else "none"
    if ca != cb:
        entries.append(DiffEntry("cadence", "review", ca, cb))
    return result


def _scorecard_figures(session: Session) -> dict[str, str]:
    """The vendor scorecard as comparable cells: each weight, each score, the ranking, and who
    set it and why (an empty dict when the session has none)."""
    from kickoff_tui.planning.scorecard import score

    record = session.scorecard
    if record is None:
        return {}
    card = record.card
    out = {f"weight: {c.name}": f"{c.weight:g}" for c in card.criteria}
    for provider in card.providers:
        out.update({f"{provider.name}: {k}": f"{v:g}" for k, v in provider.scores.items()})
    out["ranking"] = ", ".join(f"{t.rank}. {t.name} {t.total:.2f}" for t in score(card).totals)
    out["set by"] = f"{record.set_by} ({role_label(record.role)}) on {record.at.date()}"
    out["why"] = record.rationale or "-"
    return out


def _scorecard_entries(a: Session, b: Session) -> list[DiffEntry]:
    """The vendor scorecard's differences: replacing the card (a tender result) changes the
    provider IT buys from, so a diff that skipped it read "no differences"."""
    left, right = _scorecard_figures(a), _scorecard_figures(b)
    if not left and not right:
        return []
    if not left or not right:
        return [DiffEntry("scorecard", "scorecard", "none" if not left else left["set by"],
                          "none" if not right else right["set by"])]
    summary = ("ranking", "set by", "why")  # after every weight and score of either card
    keys = [k for k in dict.fromkeys([*left, *right]) if k not in summary] + list(summary)
    return [DiffEntry("scorecard", key, left.get(key, "-"), right.get(key, "-"))
            for key in keys if left.get(key, "-") != right.get(key, "-")]


FLEET_COST = "fleet GPU cost/month (USD, catalog price)"
"""The fleet's GPU cost at the catalog price, before staff (what replay and diff show)."""


def fleet_figures(session: Session) -> dict[str, str]:
    """The shared fleet's headline figures, re-sized now (a session without named workloads is
    a portfolio of one)."""
    fleet = session.portfolio_spec() if session.workloads else None
    if fleet is None and session.workloads:
        return {"fleet": f"not sized ({session.portfolio_error()})"}
    if fleet is None:
        spec = session.spec()
        if spec is None:
            return {"fleet": "not sized"}
        return {"fleet": spec.gpu, "fleet GPUs": str(spec.total_gpus), "fleet nodes": str(spec.nodes),
                FLEET_COST: f"{spec.cost_per_month:,.0f}" if spec.cost_per_month is not None else "-"}
    if not fleet.feasible or fleet.fleet is None:
        return {"fleet": f"infeasible ({fleet.infeasible_reason[:120]})"}
    f = fleet.fleet
    out = {"fleet": f.label, "fleet GPUs": str(f.total_gpus), "fleet nodes": str(f.nodes),
           FLEET_COST: f"{f.cost_per_month:,.0f}" if f.cost_per_month is not None else "-"}
    for w in fleet.workloads:
        out[f"{w.name}: replicas"] = (f"{w.replicas} x TP{w.tensor_parallel} on {w.gpu}"
                                      if w.feasible else "cannot be served")
    return out


def _fleet_entries(a: Session, b: Session) -> list[DiffEntry]:
    left, right = fleet_figures(a), fleet_figures(b)
    return [DiffEntry("spec", key, left.get(key, "-"), right.get(key, "-"))
            for key in dict.fromkeys([*left, *right]) if left.get(key, "-") != right.get(key, "-")]
