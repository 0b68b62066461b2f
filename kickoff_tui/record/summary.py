"""Plain-text wording shared by the replay output, the diff and the markdown report."""

from __future__ import annotations

from kickoff_tui.record.flags import role_phrase
from kickoff_tui.record.models import Event
from kickoff_tui.record.questionnaire import ROLE_LABELS, AnswerValue, Questionnaire
from kickoff_tui.sizing.spec import SizedSpec


def number(value: float | int | None, digits: int = 1) -> str:
    """A figure for people: thousands separators, trailing zeros dropped, "-" for None."""
    if value is None:
        return "-"
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    text = f"{value:,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def plural(count: int, word: str) -> str:
    return f"{count:,} {word}" + ("" if count == 1 else "s")


def money(value: float | None) -> str:
    return "-" if value is None else f"${value:,.0f}"


def spec_line(spec: SizedSpec | None, error: str = "") -> str:
    """One line: what to buy and how it performs."""
    if spec is None:
        return f"not sized: {error}" if error else "not sized"
    if not spec.feasible:
        return f"infeasible on {spec.gpu_name or spec.gpu}: {spec.infeasible_reason}"
    parallel = spec.layout
    parts = [
        f"{spec.total_gpus} x {spec.gpu_name or spec.gpu}",
        f"{spec.replicas} replicas ({parallel})",
        plural(spec.nodes, "node"),
        f"{number(spec.it_power_kw)} kW IT",
    ]
    if spec.tpot_ms is not None:
        parts.append(f"TPOT {number(spec.tpot_ms)} ms")
    if spec.ttft_ms is not None:
        parts.append(f"TTFT {number(spec.ttft_ms, 0)} ms")
    if spec.cost_per_month is not None:
        parts.append(f"GPUs {money(spec.cost_per_month)}/month at the catalog price")
    return f"{spec.model_name or spec.model} @ {spec.precision}: " + ", ".join(parts)


SPEC_FIELDS: tuple[tuple[str, str], ...] = (
    ("model_name", "Model"),
    ("gpu_name", "GPU"),
    ("precision", "Precision (weights)"),
    ("kv_precision", "KV cache precision"),
    ("peak_concurrency", "Peak in-flight requests"),
    ("sized_context_tokens", "Context per sequence (tokens)"),
    ("tensor_parallel", "Tensor parallel"),
    ("pipeline_parallel", "Pipeline parallel"),
    ("expert_parallel", "Expert parallel (MoE)"),
    ("dp_attention", "Data-parallel attention (MoE)"),
    ("gpus_per_replica", "GPUs per replica"),
    ("replicas_for_load", "Replicas for load"),
    ("replicas_for_redundancy", "Replicas for redundancy"),
    ("replicas_for_headroom", "Replicas for headroom"),
    ("replicas", "Replicas"),
    ("deployments", "Deployments"),
    ("total_gpus", "GPUs"),
    ("nodes", "Nodes"),
    ("racks", "Racks"),
    ("scale_up_fabric", "Scale-up fabric"),
    ("scale_out_fabric", "Scale-out fabric"),
    ("it_power_kw", "IT power (kW)"),
    ("rack_density_kw", "Rack density (kW)"),
    ("cooling", "Cooling"),
    ("ttft_ms", "TTFT (ms)"),
    ("tpot_ms", "TPOT (ms)"),
    ("output_tokens_per_s", "Output tokens/s"),
    ("cost_per_month", "GPU cost per month (USD, catalog price, before staff)"),
    ("binding_constraint", "Binding constraint"),
)
"""Spec figures worth showing to people and comparing between sessions, with their labels."""


WHY_LABELS: dict[str, str] = {
    "load": "Load", "gpus_per_replica": "GPUs per replica", "concurrency_per_replica": "In flight per replica",
    "replicas": "Replicas", "failure_domain": "Survives", "total_gpus": "Total GPUs", "units": "Bought",
    "nodes": "Nodes", "racks": "Racks", "it_power_kw": "IT power", "typical_power_kw": "Typical draw",
    "cooling": "Cooling", "tpot_ms": "TPOT", "ttft_ms": "TTFT", "output_tokens_per_s": "Output tokens/s",
    "utilisation": "Utilisation", "cost_per_hour": "Cost per hour", "price": "Price",
    "cost_per_million_tokens": "Cost per million tokens",
}
"""The spec's reasons by the name its figure has in the tables (``tpot_ms`` read "tpot ms")."""


def why_label(key: str) -> str:
    """How a reason of ``SizedSpec.why`` is headed for people (the field name, spaced, if new)."""
    return WHY_LABELS.get(key, key.replace("_", " "))


def spec_value(spec: SizedSpec, field: str) -> str:
    value = getattr(spec, field)
    if field == "racks":
        return spec.racks_text
    if field == "cooling" and isinstance(value, str) and value:
        from kickoff_tui.record.text import cooling_words

        return cooling_words(value)  # "rear-door heat exchanger", as the spec's why says it
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return number(value)
    if value is None:
        return "-"
    return str(value)


def spec_rows(spec: SizedSpec) -> list[tuple[str, str]]:
    """(label, value) rows of the spec's main figures."""
    rows = [("Feasible", "yes" if spec.feasible else f"no: {spec.infeasible_reason}")]
    rows += [(label, spec_value(spec, field)) for field, label in SPEC_FIELDS]
    return rows


def role_label(role: str | None) -> str:
    return ROLE_LABELS.get(role or "", role or "")


def answer_text(questionnaire: Questionnaire, question_id: str | None, value: AnswerValue | None) -> str:
    if question_id is None:
        return "" if value is None else str(value)
    question = questionnaire.find(question_id)
    if question is None:
        return "-" if value is None else str(value)
    return question.label_of(value)


def event_line(event: Event, questionnaire: Questionnaire) -> str:
    """What one event did, in words."""
    who = event.by + (f" ({role_label(event.role)})" if event.role else "")
    if event.kind == "participant":
        return f"{who} joined"
    if event.kind == "participant_remove":
        return f"{who} taken off the participants list" + (
            f": {event.rationale}" if event.rationale else "")
    if event.kind == "participant_rename":
        return f"{who} renamed to {event.value}"
    where = f"{event.workload}: " if event.workload and event.kind in (
        "answer", "change", "rationale", "clear") else ""
    if event.kind == "workload_add":
        return f"workload {event.workload!r} added by {who}" + (f": {event.rationale}" if event.rationale else "")
    if event.kind == "workload_rename":
        return f"workload {event.workload!r} renamed to {event.value!r} by {who}"
    if event.kind == "workload_remove":
        return f"workload {event.workload!r} removed by {who}" + (f": {event.rationale}" if event.rationale else "")
    if event.kind in ("answer", "change"):
        value = answer_text(questionnaire, event.question, event.value)
        text = f"{where}{event.question} = {value}"
        if event.kind == "change":
            text += f" (was {answer_text(questionnaire, event.question, event.previous)})"
        return f"{text} by {who}" + (f"; {event.reason}" if event.reason else "")
    if event.kind == "rationale":
        why = f": {event.rationale}" if event.rationale else " (removed)"
        return f"{where}{event.question}: reason given by {who}{why}"
    if event.kind == "clear":
        return f"{where}{event.question} withdrawn by {who}" + (f"; {event.reason}" if event.reason else "")
    if event.kind == "flag_ack":
        return f"red flag {event.flag} acknowledged by {who}: {event.reason}"
    if event.kind == "flag_resolve":
        reason = f": {event.reason}" if event.reason else ""
        return f"red flag {event.flag} resolved by {who}{reason}"
    if event.kind == "signoff":
        if event.value is False:
            return f"{role_label(event.role)} sign-off withdrawn by {event.by}"
        return f"spec signed off for {role_phrase(event.role or 'it')} by {event.by}"
    if event.kind == "cadence":
        return f"review cadence {event.value}, next review {event.next_review} (set by {who})"
    if event.kind == "title":
        return f"renamed to {event.value!r}"
    if event.kind == "scorecard":
        if event.scorecard is None:
            return f"vendor scorecard withdrawn by {who}"
        providers = ", ".join(p.name for p in event.scorecard.providers)
        return f"vendor scorecard set by {who} ({providers}): {event.reason}"
    return event.kind
