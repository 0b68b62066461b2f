"""Sizing sub-commands: estimate, size, calibrate, catalog, models import."""

from __future__ import annotations

import argparse
import csv
import json
import math
import re
import sys
from pathlib import Path
from typing import Any

from kickoff_tui.catalog.schema import PRECISIONS
from kickoff_tui.commands import json_output
from kickoff_tui.commands.options import nonnegative_int
from kickoff_tui.errors import KickoffError

PRECISION_CHOICES = PRECISIONS  # the one list (catalog/schema.py)
JSON_SCHEMA_VERSION = json_output.SCHEMA_VERSION  # one number for every --json output
MODEL_ID = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
"""Ids of imported models: safe as a file name and as a catalog key."""
MAX_INPUT_BYTES = 5_000_000
"""Largest input file the CLI reads (a sizing file is a few hundred bytes; a session a few KB)."""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("estimate", help="tokens/s, TTFT and TPOT for a model on N GPUs of a SKU",
                       description="Estimate serving performance. Use --batch FILE.csv for many rows.")
    p.add_argument("--model", help="model id (see `kickoff catalog models`)")
    p.add_argument("--gpu", help="GPU id (see `kickoff catalog gpus`)")
    p.add_argument("--gpus", type=int, help="number of GPUs (all replicas together)")
    p.add_argument("--input-tokens", type=int, help="average prompt length")
    p.add_argument("--output-tokens", type=int, help="average answer length")
    p.add_argument("--precision", choices=PRECISION_CHOICES, help="weights precision (default: the model's release)")
    p.add_argument("--kv-precision", choices=PRECISION_CHOICES, help="KV cache precision")
    p.add_argument("--tensor-parallel", type=int, help="GPUs per replica (default: the power of two that fits and serves the most tokens/s at the load given)")
    p.add_argument("--engine", help="serving engine: vllm, sglang, tensorrt-llm, vllm-rocm, sglang-rocm, atom, "
                   "generic (default: vLLM in the GPU vendor's build)")
    p.add_argument("--expert-parallel", action=argparse.BooleanOptionalAction, default=None,
                   help="MoE: whole experts per GPU (EP = TP) instead of splitting every expert")
    p.add_argument("--dp-attention", action=argparse.BooleanOptionalAction, default=None,
                   help="MoE: data-parallel attention (each GPU its own sequences; implies EP)")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--concurrency", type=float, help="requests in flight, all replicas together (default 1)")
    group.add_argument("--max-throughput", action="store_true", help="as many in flight as KV memory allows")
    p.add_argument("--batch", metavar="FILE.csv", help="CSV with columns model,gpu,gpus,tensor_parallel,"
                   "precision,kv_precision,input_tokens,output_tokens,concurrency[,engine,expert_parallel,dp_attention]")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=cmd_estimate)

    p = sub.add_parser("size", help="sized spec from a sizing-inputs TOML or a session file")
    p.add_argument("file", help="examples/*.toml, or a session saved by the app")
    p.add_argument("--gpu", help="fix the SKU instead of using the file's (or 'recommend')")
    p.add_argument("--json", action="store_true", help="print the spec as JSON")
    p.set_defaults(func=cmd_size)

    p = sub.add_parser("calibrate", help="accuracy report against published measurements")
    p.add_argument("file", help="a CSV like ../shared/calibration/cases.csv, or a folder: every *.csv in it")
    p.add_argument("--worst", type=nonnegative_int, default=10, help="how many worst rows to list (0: none)")
    p.add_argument("--markdown", action="store_true", help="print a Markdown table (docs/accuracy.md)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_calibrate)

    p = sub.add_parser("catalog", help="list the GPU or model catalog")
    p.add_argument("which", choices=("gpus", "models"), metavar="LIST", help="gpus or models")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_catalog)

    p = sub.add_parser("models", help="manage user models")
    msub = p.add_subparsers(dest="models_command", metavar="ACTION")
    imp = msub.add_parser("import", help="add a model from a Hugging Face config.json on disk")
    imp.add_argument("file", help="path to config.json")
    imp.add_argument("--id", required=True, help="catalog id to give it, e.g. my-llama-70b")
    imp.add_argument("--name", help="display name (default: the id)")
    imp.add_argument("--force", action="store_true", help="replace an imported model with the same id")
    imp.add_argument("--json", action="store_true", help="print the imported model as JSON")
    imp.set_defaults(func=cmd_models_import)
    p.set_defaults(func=lambda args: (p.print_help(), 0)[1])


# ----------------------------------------------------------------------------------------------
# file helpers
# ----------------------------------------------------------------------------------------------


def read_text(path: str, what: str = "file") -> str:
    """A user file as text through the one safe reader: regular files only (a FIFO, a device,
    a folder or a symlink to ``/dev/zero`` is refused in one line, never read), at most
    :data:`MAX_INPUT_BYTES` read, UTF-8."""
    from kickoff_tui.record.safe_read import read_user_text

    return read_user_text(path, MAX_INPUT_BYTES, what)


def read_toml(path: str) -> dict[str, Any]:
    from kickoff_tui.record.questionnaire import parse_untrusted_toml

    data, problems = parse_untrusted_toml(read_text(path, "TOML file"))
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise KickoffError(f"{path}: {problems[0]}{more}")
    return data


def validation_message(err: Exception) -> str:
    errors = getattr(err, "errors", None)
    if not callable(errors):
        return str(err)
    first = errors()[0]
    loc = ".".join(str(p) for p in first.get("loc", ())) or "input"
    more = len(errors()) - 1
    message = str(first.get("msg", "invalid")).removeprefix("Value error, ")
    return f"{loc}: {message}" + (f" (and {more} more)" if more > 0 else "")


def load_inputs(path: str):
    """A sizing-inputs TOML (top-level keys or an [inputs] table) or a session record."""
    from pydantic import ValidationError

    from kickoff_tui.sizing import SizingInputs

    data = read_toml(path)
    if "schema_version" in data and ("answers" in data or "session" in data or "events" in data):
        try:
            from kickoff_tui.record import load_session
        except ImportError:
            raise KickoffError(f"{path}: looks like a session file, but session support is missing") from None
        session = load_session(Path(path))
        return session.sizing_inputs(), session
    table = data.get("inputs", data)
    if not isinstance(table, dict):
        raise KickoffError(f"{path}: [inputs] must be a table")
    table = {k: v for k, v in table.items() if k not in ("title", "description", "planning")}
    refuse_no_inputs(path, table)
    try:
        inputs = SizingInputs.model_validate(table)
    except ValidationError as err:
        raise KickoffError(f"{path}: {validation_message(err)}") from None
    return check_inputs(path, inputs), None


def refuse_no_inputs(path: str, table: dict) -> None:
    """A sizing file with not one answer (empty, a comment, a bare ``[inputs]``: a truncated
    copy or the wrong file) is refused rather than sized from the defaults alone."""
    if not table:
        raise KickoffError(f"{path}: no sizing inputs (not one answer to size from); "
                           "give at least one, e.g. use_case = \"chat\" (README: The sizing core)")


def shown_file(args: argparse.Namespace) -> str:
    """The input file as the user named it: ``<stdin>`` for ``-`` (read into a temporary copy by
    ``cli._stdin_to_file``, whose path means nothing to the user)."""
    return getattr(args, "stdin_label", None) or args.file


def check_inputs(path: str, inputs):  # noqa: ANN001, ANN201 - SizingInputs, imported lazily
    """Refuse, in one line, the values of a sizing-inputs file that the model accepts as text but
    the sizer has no data for (``precision = "fp3"``), before any sizing runs."""
    from kickoff_tui.catalog import PRECISIONS

    for field in ("precision", "kv_precision"):
        value = getattr(inputs, field)
        if value is not None and value not in PRECISIONS:
            raise KickoffError(
                f"{path}: {field}: unknown precision {value[:40]!r}; use one of {', '.join(PRECISIONS)}"
            )
    return inputs


def _console():
    from rich.console import Console

    from kickoff_tui.cli import output_width

    class PipeConsole(Console):
        def on_broken_pipe(self) -> None:
            """Rich exits 1 on a closed pipe; hand it to ``cli.main``, which exits 0 quietly."""
            self.quiet = True
            raise BrokenPipeError

    return PipeConsole(highlight=False, width=output_width())  # COLUMNS, the terminal, else 120


def _fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    from kickoff_tui.record.text import plain_markup_safe

    return plain_markup_safe(value)  # text from a file: shown as written, never as markup


# ----------------------------------------------------------------------------------------------
# estimate
# ----------------------------------------------------------------------------------------------


def cmd_estimate(args: argparse.Namespace) -> int:
    from kickoff_tui.catalog import CatalogError
    from kickoff_tui.sizing import estimate
    from kickoff_tui.sizing.batch import parse_batch, run_row
    from kickoff_tui.sizing.constants import MAX_GPUS

    if args.batch:
        try:
            rows = parse_batch(read_text(args.batch, "CSV file"))
        except ValueError as err:
            raise KickoffError(f"{args.batch}: {err}") from None
        results = [run_row(row) for row in rows]
        if args.json:
            json_output.dump(results, sys.stdout, separators=(",", ":"))
            sys.stdout.write("\n")
        else:
            _estimate_table(results)
        return 0
    missing = [flag for flag, value in (("--model", args.model), ("--gpu", args.gpu), ("--gpus", args.gpus),
                                        ("--input-tokens", args.input_tokens),
                                        ("--output-tokens", args.output_tokens)) if value is None]
    if missing:
        raise KickoffError(f"estimate needs {', '.join(missing)} (or --batch FILE.csv)")
    for flag, value in (("--gpus", args.gpus), ("--input-tokens", args.input_tokens),
                        ("--output-tokens", args.output_tokens), ("--tensor-parallel", args.tensor_parallel)):
        if value is not None and value < 1:
            raise KickoffError(f"{flag} must be at least 1")
    if args.gpus > MAX_GPUS:
        raise KickoffError(f"--gpus {args.gpus:,} is more GPUs than any fleet: "
                           f"at most {MAX_GPUS:,}")
    if args.concurrency is not None and not (math.isfinite(args.concurrency) and args.concurrency > 0):
        raise KickoffError("--concurrency must be a finite number greater than 0")
    engine = _engine_arg(args.engine)
    try:
        result = estimate(args.model, args.gpu, args.gpus, args.input_tokens, args.output_tokens,
                          precision=args.precision, kv_precision=args.kv_precision,
                          tensor_parallel=args.tensor_parallel, concurrency=args.concurrency,
                          max_throughput=args.max_throughput, engine=engine,
                          expert_parallel=args.expert_parallel, dp_attention=args.dp_attention)
    except (CatalogError, ValueError) as err:
        raise KickoffError(str(err)) from None
    if args.json:
        print(json_output.dumps({"schema_version": JSON_SCHEMA_VERSION, **result.model_dump()}, indent=2))
    else:
        _estimate_card(result.model_dump())
    return 0 if result.fits else 1  # exit 1: done, and the answer is "no" (as `kickoff size`)


def _engine_arg(value: str | None) -> str | None:
    from kickoff_tui.catalog.engines import ENGINE_IDS, normalise_engine

    if value is None:
        return None
    engine = normalise_engine(value)
    if engine == "generic" and value.strip().lower() not in ("generic", "other", "tgi"):
        raise KickoffError(f"--engine {value[:40]!r}: expected one of {', '.join(ENGINE_IDS)}")
    return engine


def _banded(r: dict[str, Any], key: str, digits: int = 1, sep: str = " ") -> str:
    """``value (low-high)``; ``sep="\n"`` puts the band under the value (a narrow column)."""
    value, low, high = r.get(key), r.get(f"{key}_low"), r.get(f"{key}_high")
    if value is None:
        return "-"
    if low is None or high is None:
        return _fmt(value, digits)
    return f"{_fmt(value, digits)}{sep}({_fmt(low, digits)}-{_fmt(high, digits)})"


ESTIMATE_FIELDS: tuple[tuple[str, str], ...] = (
    ("Model / GPU", "_what"), ("Engine", "_engine"), ("Precision (weights / KV / math)", "_precision"),
    ("Layout", "_layout"), ("Requests in flight", "concurrency"),
    ("Running per replica (max)", "_running"), ("TTFT ms (band)", "_ttft"), ("TTFT p50 / p99 ms", "_ttft_pct"),
    ("TPOT ms (band)", "_tpot"), ("TPOT p50 / p99 ms", "_tpot_pct"),
    ("Output tokens/s, all GPUs (band)", "_tps"),
    ("Output tokens/s per GPU", "output_tokens_per_s_per_gpu"), ("KV cache tokens per replica", "kv_cache_tokens"),
    ("Memory per GPU (GB)", "_memory"), ("Bound", "_bound"),
)


def _estimate_card(r: dict[str, Any]) -> None:
    from rich.table import Table

    from kickoff_tui.record.text import plain_markup_safe as safe

    console = _console()
    if not r.get("fits"):
        console.print(f"[red]Cannot be served:[/] {safe(r.get('reason'))}")
        return
    special = {
        "_what": safe(f"{r['model']} on {r['gpus']} x {r['gpu']}"),
        "_engine": safe(r.get("engine", "") + (f" ({r['engine_note']})" if r.get("engine_note") else "")),
        "_ttft": _banded(r, "ttft_ms"), "_tpot": _banded(r, "tpot_ms"),
        "_tps": _banded(r, "output_tokens_per_s", 0),
        "_ttft_pct": f"{_fmt(r.get('ttft_p50_ms'))} / {_fmt(r.get('ttft_p99_ms'))}",
        "_tpot_pct": f"{_fmt(r.get('tpot_p50_ms'))} / {_fmt(r.get('tpot_p99_ms'))}",
        "_precision": f"{r['precision']} / {r['kv_precision']} / {r['compute_precision']}"
        + (" (weight-only)" if r["weight_only"] else ""),
        "_layout": f"TP{r['tensor_parallel']}" + (f" x PP{r['pipeline_parallel']}" if r["pipeline_parallel"] > 1 else "")
        + (f" EP{r['expert_parallel']}" if r.get("expert_parallel", 1) > 1 else "")
        + (" DP-attention" if r.get("dp_attention") else "")
        + f", {r['replicas']} replica{'' if r['replicas'] == 1 else 's'}",
        "_running": f"{r['running_per_replica']:g} ({r['max_concurrency_per_replica']})",
        "_memory": f"weights {r['weights_gb_per_gpu']:g} + KV {r['kv_gb_per_gpu']:g} + runtime {r['overhead_gb_per_gpu']:g}",
        "_bound": r["bound"] + (" (requests queue: more in flight than fit)" if r.get("queued") else ""),
    }
    table = Table(title="Kickoff estimate", title_justify="left", show_header=False)
    table.add_column("what")
    table.add_column("value")
    for label, key in ESTIMATE_FIELDS:
        table.add_row(label, special.get(key) or _fmt(r.get(key)))
    console.print(table)
    for note in ("layout_note", "kv_note"):
        if r.get(note):
            console.print(safe(r[note]))
    if r.get("first_token_lag_ms"):
        console.print(f"TTFT includes {r['first_token_lag_ms']:,.0f} ms of {safe(r.get('engine', ''))}'s first-token "
                      "lag on MoE models (decode steps before the first token reaches the client, calibrated "
                      "on the InferenceX benchmark; docs/model.md section 5)")
    if r.get("band_note"):
        console.print(f"Bands: 10th-90th percentile of the measured / predicted ratio for {r['band_group']}; "
                      f"{r['band_note']}")


def _estimate_table(results: list[dict[str, Any]]) -> None:
    from rich import box
    from rich.table import Table

    from kickoff_tui.cli import output_width
    from kickoff_tui.record.text import plain_markup_safe as safe

    width = output_width()
    banded = width >= BATCH_BAND_MIN_WIDTH  # below: the bands would fold the ids into stacks
    # Two facts a cell (model over GPU, engine over precision, GPUs over layout, a figure over its
    # band) keep the table inside 100 columns; the figures never wrap or lose digits and the ids
    # never fold mid-word (a cut id or a cut band reads as another one). Rows keep the file's
    # order; a row that is not estimated names its CSV line, with the reason below.
    figures = (["TTFT ms\n(band)", "TPOT ms\n(band)", "out tok/s\n(band)"] if banded
               else ["TTFT\nms", "TPOT\nms", "out\ntok/s"])
    columns = ["model\ngpu", "engine\nprecision", "GPUs\nlayout", "in\nflight", *figures, "bound"]
    rows: list[list[str]] = []
    unserved: list[str] = []
    for r in results:
        line = str(r.get("line", ""))
        what_on = f"{safe(r.get('model', ''))}\n{safe(r.get('gpu', ''))}"
        if not r.get("fits"):
            what = "refused" if r.get("refused") else "does not fit"
            rows.append([what_on, f"{safe(r.get('engine', ''))}\n{safe(r.get('precision') or '')}",
                         _fmt(r.get("gpus")), "", "", "", "", f"[red]{what}[/]\n(line {line})"])
            unserved.append(f"line {line}: {what}: {safe(r.get('reason', ''))}")
            continue
        layout = (f"TP{r['tensor_parallel']}" + (f"xPP{r['pipeline_parallel']}" if r["pipeline_parallel"] > 1 else "")
                  + (f" EP{r['expert_parallel']}" if r.get("expert_parallel", 1) > 1 else "")
                  + (" DPA" if r.get("dp_attention") else "") + f" x{r['replicas']}")
        pair = r["precision"] if r["kv_precision"] == r["precision"] else f"{r['precision']}/{r['kv_precision']}"
        rows.append([what_on, f"{safe(r.get('engine', ''))}\n{safe(pair)}",
                     f"{_fmt(r['gpus'])}\n{layout}", _fmt(float(r["concurrency"]), 0),
                     *((_banded(r, "ttft_ms", 0, "\n"), _banded(r, "tpot_ms", sep="\n"),
                        _banded(r, "output_tokens_per_s", 0, "\n")) if banded else
                       (_fmt(r["ttft_ms"], 0), _fmt(r["tpot_ms"]), _fmt(r["output_tokens_per_s"], 0))),
                     r["bound"] + (" (queued)" if r.get("queued") else "")])
    plain = [[c.replace("[red]", "").replace("[/]", "") for c in row] for row in rows]
    widths = fit_widths(columns, plain, {"GPUs\nlayout", "bound"}, width, BATCH_COLUMN_GAP)
    table = Table(title="Kickoff estimate " + ("(band: 10th-90th percentile of measured results of the group)"
                                               if banded else "(bands: at 100+ columns or with --json)"),
                  title_justify="left", box=box.SIMPLE_HEAD,  # no column rules: the figures need the width
                  collapse_padding=True, pad_edge=False)
    for col in columns:
        words = not col.startswith(("in", "TTFT", "TPOT", "out"))
        table.add_column(col, overflow="fold", no_wrap=not words, justify="left" if words else "right",
                         width=widths[col])
    for row in rows:
        table.add_row(*row)
    console = _console()
    console.print(table)
    for text in unserved:
        console.print(text)


BATCH_COLUMN_GAP = 2
"""What a column of the batch table adds around its cells (the padding, collapsed between columns)."""


# ----------------------------------------------------------------------------------------------
# size
# ----------------------------------------------------------------------------------------------


def cmd_size(args: argparse.Namespace) -> int:
    from kickoff_tui.catalog import CatalogError
    from kickoff_tui.sizing import size

    from kickoff_tui.commands import portfolio as _portfolio

    if _portfolio.is_portfolio_file(args.file):  # several workloads: the portfolio printer
        return _portfolio.run(args.file, as_json=args.json, gpu=args.gpu,
                              title=f"Sized spec for {shown_file(args)} (portfolio)")
    inputs, session = load_inputs(args.file)
    if args.gpu:
        inputs = inputs.model_copy(update={"gpu": args.gpu})
    try:
        spec = size(inputs)
    except CatalogError as err:
        raise KickoffError(f"{args.file}: {err}") from None
    previous = session.signed_spec if session is not None else None
    code = 0 if spec.feasible else 1  # exit 1: ran fine, and the answer is "cannot be served"
    if args.json:
        print(spec.model_dump_json(indent=2))
        return code
    from kickoff_tui.record.text import plain_markup_safe

    print_spec(spec, title=f"Sized spec for {plain_markup_safe(shown_file(args))}")
    if spec.feasible:
        print_one_cost(args.file, inputs, session, spec)
    if previous is not None:
        print_changes(previous, spec)
    elif session is not None:
        _console().print("This session has no signed-off spec to compare with.")
    return code


SPEC_ROWS: tuple[tuple[str, str], ...] = (
    ("GPU SKU", "gpu_name"),
    ("Model", "model_name"),
    ("Serving engine", "engine"),
    ("Precision (weights / KV)", "_precision"),
    ("Design load (in flight)", "peak_concurrency"),
    ("GPUs per replica", "_layout"),
    ("In flight per replica", "concurrency_per_replica"),
    ("Replicas", "replicas"),
    ("Total GPUs (band)", "_gpus"),
    ("Bought (whole units)", "_units"),
    ("Survives", "failure_domain"),
    ("Nodes", "nodes"),
    ("Racks", "racks"),
    ("Scale-up fabric", "scale_up_fabric"),
    ("Scale-out fabric", "scale_out_fabric"),
    ("IT power (kW)", "it_power_kw"),
    ("Typical draw (kW)", "typical_power_kw"),
    ("Cooling", "cooling"),
    ("TTFT (ms, mean; band)", "_ttft"),
    ("TPOT (ms, mean; band)", "_tpot"),
    ("GPU cost per month (USD)", "cost_per_month"),
    ("GPU cost per 1M output tokens", "cost_per_million_output_tokens"),
    ("GPU cost per 1M tokens (in + out)", "cost_per_million_tokens"),
)

WHY_KEY = {"_layout": "gpus_per_replica", "concurrency_per_replica": "concurrency_per_replica",
           "replicas": "replicas", "_gpus": "total_gpus", "nodes": "nodes", "racks": "racks",
           "it_power_kw": "it_power_kw", "cooling": "cooling", "_ttft": "ttft_ms", "_tpot": "tpot_ms",
           "cost_per_month": "cost_per_hour", "peak_concurrency": "load", "_units": "units",
           "typical_power_kw": "typical_power_kw", "cost_per_million_tokens": "cost_per_million_tokens",
           "cost_per_million_output_tokens": "cost_per_million_tokens"}


def spec_value(spec, key: str) -> str:
    if key == "racks":
        return _fmt(spec.racks_text)
    if key == "_precision":
        return _fmt(f"{spec.precision} / {spec.kv_precision}" + (" (weight-only)" if spec.weight_only else ""))
    if key == "_gpus":
        return spec.gpu_count_text
    if key in ("_ttft", "_tpot"):
        name = key[1:] + "_ms"
        value, low, high = getattr(spec, name), getattr(spec, name + "_low"), getattr(spec, name + "_high")
        if value is None:
            return "-"
        return _fmt(value) + (f" ({_fmt(low)}-{_fmt(high)})" if low is not None and high is not None else "")
    if key == "_layout":
        return f"{spec.gpus_per_replica} ({spec.layout})"
    if key == "_units":
        spare = f": {spec.spare_gpus} spare" if spec.spare_gpus else ""
        return f"{spec.units} x {spec.unit_name} = {spec.gpus_bought} GPUs{spare}"
    value = getattr(spec, key)
    if key in ("cooling", "engine") and isinstance(value, str) and value:
        from kickoff_tui.record.text import cooling_words, engine_words

        return cooling_words(value) if key == "cooling" else engine_words(value)
    if key in ("cost_per_million_tokens",) and value is not None:
        return f"${value:,.3f}"
    if key in ("cost_per_month", "cost_per_million_output_tokens") and value is not None:
        return f"${value:,.0f}" if key == "cost_per_month" else f"${value:,.2f}"
    return _fmt(value)


BATCH_BAND_MIN_WIDTH = 100
"""Output columns below which the batch table shows the figures without their bands."""

SKU_NOTE_MIN_WIDTH = 110
"""Output columns below which the SKU comparison lists its notes under the table."""


def print_one_cost(path: str, inputs, session, spec) -> None:  # noqa: ANN001
    """The one monthly cost (staff included, basis named) and its cost per million tokens at the
    average load: the figures `kickoff cost`, the spec panel and the report show."""
    from pydantic import ValidationError

    from kickoff_tui.planning.cost import CostOverrides, cost_report
    from kickoff_tui.planning.figures import usd
    from kickoff_tui.record.text import plain_markup_safe as safe

    overrides = None
    try:
        if session is not None:
            overrides = session.planning().cost
        else:
            table = read_toml(path).get("planning", {})
            cost = table.get("cost") if isinstance(table, dict) else None
            overrides = CostOverrides.model_validate(cost) if isinstance(cost, dict) else None
    except (KickoffError, ValidationError):
        overrides = None  # `kickoff cost` names the problem; the spec stands without it
    try:
        report = cost_report(spec, inputs, overrides)
    except (KickoffError, KeyError, ValueError):
        return
    if report.monthly is None:
        return
    per_m = []
    if report.per_million_tokens is not None:
        per_m.append(f"${report.per_million_tokens.value:,.3f} per million tokens (input + output)")
    if report.per_million_output_tokens is not None:
        per_m.append(f"{usd(report.per_million_output_tokens.value)} per million output tokens")
    tail = "The GPU rows above are before staff; `kickoff cost` prices every basis."
    chosen = report.chosen
    gpu_month = chosen.per_month.value if chosen.per_month is not None else None
    if gpu_month is not None and spec.cost_per_month is not None and abs(gpu_month - spec.cost_per_month) >= 0.5:
        # The GPU rows above stay at the catalog's GPU price; this figure's GPU cost differs (a
        # price quoted in the session, or a purchase with its server share and power): say
        # what it counts instead of "before staff".
        quote = chosen.quote
        if quote is not None and quote.override:
            priced = f"at the quoted {safe(quote.price_text())} ({safe(quote.provider)})"
        elif chosen.option == "buy":
            priced = "as bought (depreciation, the server around each GPU, power)"
        else:
            priced = f"on the {safe(chosen.option)} basis"
        tail = (f"The GPU rows above are at the catalog GPU price ({usd(spec.cost_per_month)}/month); "
                f"this figure counts the GPUs {priced}: {usd(gpu_month)}/month + staff "
                f"{usd(report.staff_per_month.value)}/month; `kickoff cost` prices every basis.")
    _console().print(
        f"[bold]Cost per month: {usd(report.monthly.value)}[/] ({safe(report.monthly_basis)})"
        + (f"; {safe('; '.join(per_m))} at the average load" if per_m else "")
        + ". " + tail)


def print_spec(spec, title: str = "Sized spec") -> None:
    """Print a sized spec (``title`` is Rich markup; every value from the spec is escaped)."""
    from rich.table import Table

    from kickoff_tui.record.text import engine_words
    from kickoff_tui.record.text import plain_markup_safe as safe
    from kickoff_tui.sizing.spec import short_layout

    console = _console()
    if not spec.feasible:
        console.print(f"[bold]{title}[/]\n[red]No feasible spec:[/] {safe(spec.infeasible_reason)}")
    else:
        table = Table(title=title, title_justify="left", show_header=True)
        table.add_column("Figure")
        table.add_column("Value")
        table.add_column("Why")
        shown_why = ""
        for label, key in SPEC_ROWS:
            value, why = spec_value(spec, key), spec.why.get(WHY_KEY.get(key, ""), "")
            if key == "failure_domain":  # "survives X: why" -> the what in Value, the why in Why
                value, _, why = value.partition(": ")
                value = value.removeprefix("survives ")
            if why and why == shown_why:  # the two cost-per-token rows share one derivation
                why = "(the derivation in the row above)"
            else:
                shown_why = why
            table.add_row(label, value, safe(why))
        console.print(table)
        console.print(f"Binding constraint: [bold]{safe(spec.binding_constraint)}[/]   "
                      f"Load: {safe(spec.why.get('load') or f'{spec.peak_concurrency:,} in flight')}")
        if spec.band_note:
            console.print(f"Band ({safe(spec.band_group)}): {safe(spec.band_note)}")
        if spec.assumptions:
            count = len(spec.assumptions)
            console.print(f"[yellow]Assumed[/] ({count} input{'s' if count != 1 else ''} nobody "
                          "answered; answer them to replace the defaults):")
            for a in spec.assumptions:
                console.print(f"  - {safe(a.field.replace('_', ' '))} = {safe(a.value)}: "
                              f"{safe(a.reason)}")
    for warning in spec.warnings:
        console.print(f"[yellow]! {safe(warning)}[/]")
    if spec.comparison:
        from kickoff_tui.cli import output_width

        # Below SKU_NOTE_MIN_WIDTH the note column would be a few letters wide (a 20-line stack of
        # "with / vLLM / (ROC…"): the notes go under the table, one line per GPU, instead.
        notes_below = output_width() < SKU_NOTE_MIN_WIDTH
        cols = (("GPU", "fits", "layout", "repl.", "GPUs", "kW", "USD/mo", "TPOT", "TTFT") if notes_below
                else ("GPU", "fits", "layout", "replicas", "GPUs", "kW", "USD/month", "TPOT", "TTFT", "note"))
        table = Table(title="SKU comparison (cheapest first)", title_justify="left")
        gpu_width = max(len(o.gpu) for o in spec.comparison) + 2  # " *" on the recommended one
        for col in cols:
            table.add_column(col, justify="left" if col in ("GPU", "fits", "layout", "note") else "right",
                             min_width=gpu_width if col == "GPU" else None, no_wrap=col != "note")
        below: list[str] = []
        for o in spec.comparison:
            marker = " *" if o.gpu == spec.recommended else ""
            if not o.fits:  # no layout: no figures to show, only why (never "0 GPUs, 0.0 kW")
                cells = [safe(o.gpu) + marker, "no", "-", "-", "-", "-", "-", "-", "-"]
                note = o.reason
            else:
                other_build = (f"with {engine_words(o.engine)}" + ("; " if o.reason else "")
                               if o.engine and o.engine != spec.engine else "")
                cost = _fmt(o.cost_per_month, 0)
                if o.price_is_estimate and o.cost_per_month:
                    cost = f"~{cost}" if notes_below else f"{cost} (est.)"
                cells = [safe(o.gpu) + marker, "yes", short_layout(o.layout), _fmt(o.replicas),
                         _fmt(o.total_gpus), _fmt(o.it_power_kw), cost, _fmt(o.tpot_ms), _fmt(o.ttft_ms)]
                note = other_build + o.reason
            if notes_below:
                if note:
                    below.append(f"{o.gpu}: {note}")
                table.add_row(*cells)
            else:
                table.add_row(*cells, safe(note))
        console.print(table)
        if below:
            import textwrap

            console.print("Notes:")
            for note in below:
                for line in textwrap.wrap(safe(note), width=max(40, output_width()), initial_indent="  ",
                                          subsequent_indent="    ", break_on_hyphens=False):
                    console.print(line, highlight=False)
        console.print("* the cheapest SKU that fits. GPUs: what the replicas need; "
                      f"{'USD/mo' if notes_below else 'USD/month'} pays for the "
                      "whole units they are bought or rented in; TPOT / TTFT: ms at the design load "
                      f"({'~' if notes_below else 'est.'}: a catalog price estimate, not a list price)")
        if spec.recommended and spec.recommended != spec.gpu:
            # IT fixed the SKU: the spec above stays on it; the comparison only names the cheapest
            console.print(f"Cheapest in the comparison: [bold]{safe(spec.recommended)}[/]   runner-up: "
                          f"{safe(spec.runner_up or '-')}   (the spec above is sized on {safe(spec.gpu)}, "
                          "the GPU asked for)")
        else:
            console.print(f"Recommended: [bold]{safe(spec.recommended or '-')}[/]   "
                          f"runner-up: {safe(spec.runner_up or '-')}")
    if spec.physical_limits:
        pl = spec.physical_limits
        console.print(f"Physical limits for {safe(spec.model)}: best TPOT {pl.best_tpot_ms:.1f} ms ({pl.best_tpot_gpu}), "
                      f"best TTFT {pl.best_ttft_ms:.0f} ms ({pl.best_ttft_gpu}) at one request")


def print_changes(old, new) -> None:
    console = _console()
    changed = []
    for label, key in SPEC_ROWS:
        before, after = spec_value(old, key), spec_value(new, key)
        if before != after:
            changed.append(f"  {label}: {before} -> {after}")
    if changed:
        console.print("[bold]Changed since sign-off (today's catalog):[/]\n" + "\n".join(changed))
    else:
        console.print("Unchanged since sign-off with today's catalog.")


# ----------------------------------------------------------------------------------------------
# calibrate
# ----------------------------------------------------------------------------------------------


def cmd_calibrate(args: argparse.Namespace) -> int:
    from kickoff_tui.sizing.calibration import calibrate_texts

    try:
        report = calibrate_texts(read_calibration(args.file))
    except (ValueError, csv.Error) as err:  # csv.Error: a malformed or over-long field
        text, name = str(err), Path(args.file).name
        if not Path(args.file).is_dir() and text.startswith(f"{name}: "):
            text = text[len(name) + 2:]  # one file: its name once ("calib.csv: calib.csv: line 1")
        raise KickoffError(f"{args.file}: {text}") from None
    if args.json:
        print(json_output.dumps({"schema_version": JSON_SCHEMA_VERSION, **report.model_dump(mode="json")},
                                indent=2))
        return 0
    if args.markdown:
        from kickoff_tui.record.text import visible

        print(visible(calibration_markdown(report, args.worst), keep_newlines=True))
        return 0
    from rich.table import Table

    table = Table(title="Accuracy against published measurements", title_justify="left")
    for col in ("group", "rows", "median |error|", "within 25%", "within 2x"):
        table.add_column(col, justify="left" if col == "group" else "right")
    for g in [*report.by_metric, *report.by_source, *report.by_group_metric, report.overall]:
        table.add_row(_fmt(g.name), str(g.rows), _pct(g.median_abs_error), _pct(g.within_25), _pct(g.within_2x))
    console = _console()
    console.print(table)
    worst = Table(title=f"Worst {args.worst} rows", title_justify="left")
    # one wrapping cell says which row it is; the figures never fold (at 80 columns eleven
    # columns had cut "ttft_p50_ms" to "TTFT …" and the error to "+3…")
    worst.add_column("row (engine, model, GPUs, in/out tokens, in flight; source)", ratio=1)
    for col in ("metric", "measured", "predicted", "error"):
        worst.add_column(col, no_wrap=True, justify="left" if col == "metric" else "right")
    for r in report.worst(args.worst):
        flight = "max throughput" if r.row.max_throughput else f"{_fmt(r.row.concurrency, 0)} in flight"
        where = (f"{r.engine} {r.row.model} on {r.row.gpus} x {r.row.gpu}, "
                 f"{r.row.input_tokens}/{r.row.output_tokens}, {flight}; {r.source.split(' (')[0]}")
        worst.add_row(_fmt(where), METRIC_WORDS.get(r.metric, _fmt(r.metric)), _fmt(r.measured),
                      _fmt(r.predicted), _pct(r.error, signed=True))
    if args.worst > 0:
        console.print(worst)
    return 0


def read_calibration(target: str) -> list[tuple[str, str]]:
    """(name, text) of the calibration CSV, or of every ``*.csv`` in the folder."""
    path = Path(target)
    paths = sorted(path.glob("*.csv")) if path.is_dir() else [path]
    if not paths:
        raise KickoffError(f"{target}: no CSV files")
    return [(p.name, read_text(str(p), "CSV file")) for p in paths]


def _pct(value: float | None, signed: bool = False) -> str:
    if value is None:
        return "-"
    return f"{value:+.0%}" if signed else f"{value:.0%}"


METRIC_WORDS = {"output_tokens_per_s": "tokens/s", "tpot_ms": "TPOT ms", "ttft_ms": "TTFT ms",
                "tpot_p50_ms": "TPOT p50", "ttft_p50_ms": "TTFT p50", "tpot_p99_ms": "TPOT p99",
                "ttft_p99_ms": "TTFT p99", "e2e_static_s": "batch e2e s"}
"""Short names of the calibration metrics for the terminal table (the Markdown keeps the ids)."""


def calibration_markdown(report, worst: int) -> str:
    lines = ["| group | rows | median abs. error | within 25% | within 2x |", "|---|---:|---:|---:|---:|"]
    for g in [*report.by_metric, *report.by_source, report.overall]:
        lines.append(f"| {g.name} | {g.rows} | {_pct(g.median_abs_error)} | {_pct(g.within_25)} | {_pct(g.within_2x)} |")
    lines += ["", "By engine / vendor / dense-MoE and metric:", "",
              "| group | rows | median abs. error | within 25% | within 2x |", "|---|---:|---:|---:|---:|"]
    for g in report.by_group_metric:
        lines.append(f"| {g.name} | {g.rows} | {_pct(g.median_abs_error)} | {_pct(g.within_25)} | {_pct(g.within_2x)} |")
    lines += ["", f"Worst {worst} rows:", "",
              "| source | engine | model | gpu | GPUs | in/out | concurrency | metric | measured | predicted | error |",
              "|---|---|---|---|---:|---|---:|---|---:|---:|---:|"]
    for r in report.worst(worst):
        lines.append(
            f"| {r.source[:40]} | {r.engine} | {r.row.model} | {r.row.gpu} | {r.row.gpus} | "
            f"{r.row.input_tokens}/{r.row.output_tokens} | "
            f"{'max' if r.row.max_throughput else _fmt(r.row.concurrency, 0)} | {r.metric} | "
            f"{_fmt(r.measured)} | {_fmt(r.predicted)} | {_pct(r.error, signed=True)} |"
        )
    return "\n".join(lines)


# ----------------------------------------------------------------------------------------------
# catalog + models import
# ----------------------------------------------------------------------------------------------


def least_widths(columns: list[str], rows: list[list[str]], wrap: set[str]) -> tuple[dict[str, int], dict[str, int]]:
    """(least, natural) width of each column: a column not in ``wrap`` is as wide as its longest
    line (header included) either way; a ``wrap`` column needs at least its longest word and
    would like its longest line."""
    least, natural = {}, {}
    for i, col in enumerate(columns):
        cells = [ln for r in rows for ln in str(r[i]).split("\n")] + col.split("\n")
        natural[col] = max(map(len, cells), default=0)
        least[col] = (max((len(w) for c in cells for w in c.split()), default=0) if col in wrap
                      else natural[col])
    return least, natural


def fit_widths(columns: list[str], rows: list[list[str]], wrap: set[str], total: int, gap: int) -> dict[str, int]:
    """Column widths for a table ``total`` columns wide (``gap``: what each column adds around
    its cells): every column at its least width (:func:`least_widths`), and the ``wrap`` columns
    share what is left in proportion to what each would need on one line. Rich's own collapse
    can leave a table wider than the output, and the right-hand columns are then cropped."""
    widths, natural = least_widths(columns, rows, wrap)
    spare = total - sum(widths[c] + gap for c in columns)
    wanted = sum(natural[c] - widths[c] for c in columns if c in wrap)
    for c in columns:
        if c in wrap:
            extra = natural[c] - widths[c]
            widths[c] += extra if wanted <= spare else max(0, spare) * extra // max(wanted, 1)
    return widths


def _catalog_table(title: str, columns: tuple[str, ...], rows: list[list[str]], wrap: tuple[str, ...],
                   drop_first: tuple[str, ...]):  # noqa: ANN202
    """A catalog table whose ids and figures never fold to "a10…" or "131,0…" (:func:`fit_widths`).
    Where the output is too narrow for all of them, the columns of ``drop_first`` are left out in
    that order and the title names them (``--json`` has every field)."""
    from rich.table import Table

    from kickoff_tui.cli import output_width

    width = output_width()
    least, _ = least_widths(list(columns), rows, set(wrap))
    keep = list(columns)
    dropped = []
    for col in drop_first:
        if sum(least[c] + CATALOG_COLUMN_GAP for c in keep) + 1 <= width:
            break
        keep.remove(col)
        dropped.append(col)
    if dropped:
        title += f" (left out at this width: {', '.join(dropped)}; see --json)"
    kept = [[r[columns.index(c)] for c in keep] for r in rows]
    widths = fit_widths(keep, kept, set(wrap), width - 1, CATALOG_COLUMN_GAP)  # 1: the left border
    table = Table(title=title, title_justify="left")
    for col in keep:
        table.add_column(col, justify="left" if col in ("id", *wrap) else "right", width=widths[col])
    for r in kept:
        table.add_row(*r)
    return table


CATALOG_COLUMN_GAP = 3
"""What a column of a boxed catalog table adds around its cells (a space each side, one border)."""


def cmd_catalog(args: argparse.Namespace) -> int:
    from kickoff_tui.catalog import catalog_version, gpus, models

    if args.which == "gpus":
        items = gpus()
        if args.json:
            print(json_output.dumps([g.model_dump() for g in items], indent=2))
            return 0
        rows = []
        for g in items:
            t = g.dense_tflops
            rows.append([g.id, g.name, _fmt(g.memory_gb, 0), _fmt(g.memory_bandwidth_tbs, 2),
                         _fmt(t.get("bf16"), 0), _fmt(t.get("fp8"), 0), _fmt(t.get("fp4"), 0),
                         " ".join(g.native_precisions), _fmt(g.tdp_w, 0),
                         f"{g.scale_up_gbs:g} GB/s x{g.scale_up_domain}" if g.scale_up_gbs else "PCIe",
                         _fmt(g.node_power_kw)])
        table = _catalog_table(f"GPU catalog ({catalog_version()})",
                               ("id", "name", "GB", "TB/s", "BF16 TF", "FP8 TF", "FP4 TF", "native", "TDP W",
                                "scale-up", "node kW"), rows, wrap=("name", "native", "scale-up"),
                               drop_first=("name", "scale-up", "TDP W", "node kW", "TB/s", "FP4 TF", "native"))
        _console().print(table)
        _console().print("Tensor throughput is dense (no 2:4 sparsity). Sources: `kickoff catalog gpus --json`.")
        return 0
    from kickoff_tui.catalog import user_model_problems
    from kickoff_tui.record.text import plain_markup_safe as safe

    items = models()
    for problem in user_model_problems():  # a broken file in models/ is named, never fatal
        print(f"kickoff: warning: {problem}", file=sys.stderr)
    if args.json:
        print(json_output.dumps([m.model_dump() for m in items], indent=2))
        return 0
    rows = []
    for m in items:
        attention = m.attention.upper()
        if m.sliding_window_layers:
            attention += f" +{m.sliding_window_layers} windowed"
        if m.is_moe:
            attention += f", MoE {m.experts_per_token}/{m.experts}"
        rows.append([safe(m.id), safe(m.name), _fmt(m.total_params / 1e9), _fmt(m.active_params / 1e9), str(m.layers),
                     f"{m.heads}/{m.kv_heads}", attention, _fmt(m.native_context), m.native_precision])
    _console().print(_catalog_table(f"Model catalog ({catalog_version()})",
                                    ("id", "name", "params B", "active B", "layers", "heads/kv", "attention",
                                     "context", "native"), rows, wrap=("name", "attention"),
                                    drop_first=("heads/kv", "layers", "name", "native", "attention", "active B")))
    return 0


def cmd_models_import(args: argparse.Namespace) -> int:
    from kickoff_tui.catalog import clear_cache, get_model, user_models_dir
    from kickoff_tui.catalog.hf_import import model_from_hf_config
    from kickoff_tui.record.io import atomic_write_text

    if not MODEL_ID.fullmatch(args.id):
        raise KickoffError(f"--id {args.id[:40]!r}: use lowercase letters, digits, '.', '_' and '-' "
                           "(starting with a letter or digit), e.g. my-llama-70b")
    text = read_text(args.file, "config.json file")
    try:
        config = json.loads(text)
    except (ValueError, RecursionError) as err:  # JSONDecodeError, or an int of 5,000 digits
        raise KickoffError(f"{args.file}: not valid JSON ({' '.join(str(err).split())[:200]})") from None
    try:
        model = model_from_hf_config(config, args.id, args.name, source=f"imported from {Path(args.file).name}")
    except (ValueError, TypeError, OverflowError) as err:
        raise KickoffError(f"{args.file}: {err}") from None
    try:
        existing = get_model(args.id)
    except Exception:  # noqa: BLE001 - not found is the normal case
        existing = None
    folder = user_models_dir()
    target = folder / f"{args.id}.toml"
    if existing is not None and not (args.force and target.exists()):
        raise KickoffError(f"model id {args.id!r} already exists; choose another --id"
                           + (" or pass --force" if target.exists() else ""))
    import tomli_w

    data = {k: v for k, v in model.model_dump().items() if v is not None}
    text = tomli_w.dumps(data)
    # Validate before writing: the file must load back as the same model, or nothing is written
    # (a file that fails to load would otherwise sit in models/ and be skipped on every run).
    from kickoff_tui.catalog import Model
    from kickoff_tui.catalog.hf_import import model_bound_problems
    from kickoff_tui.record.questionnaire import parse_untrusted_toml

    back, problems = parse_untrusted_toml(text)
    if not problems:
        try:
            problems = model_bound_problems(Model.model_validate(back))
        except ValueError as err:  # pydantic's ValidationError is a ValueError
            problems = [" ".join(str(err).split())[:200]]
    if problems:
        raise KickoffError(f"{args.file}: not imported: {problems[0]}")
    atomic_write_text(target, text, follow_symlinks=False)
    clear_cache()
    if getattr(args, "json", False):
        print(json_output.dumps({"schema_version": JSON_SCHEMA_VERSION, "path": str(target), "model": data},
                                indent=2))
        return 0
    from kickoff_tui.record.text import visible

    print(f"imported {args.id}: {model.total_params / 1e9:.1f}B params, {model.layers} layers, "
          f"{model.attention.upper()}, KV {model.kv_heads} heads -> {visible(target)}")
    from kickoff_tui.catalog.hf_import import CONTEXT_ASSUMED

    if CONTEXT_ASSUMED in model.notes:
        print(f"  note: {CONTEXT_ASSUMED}")
    return 0
