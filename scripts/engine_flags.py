"""Regenerate tests/data/vllm_cli_args.txt and tests/data/sglang_cli_args.txt from the engines'
own argument parsers, read statically from the released wheels (no torch, no GPU).

    pip download --no-deps vllm==0.33.0 sglang==0.5.23 -d /tmp/wheels
    python scripts/engine_flags.py /tmp/wheels

Installing vLLM and SGLang to import their parsers needs torch and CUDA wheels (several GB);
the option names are all in the source, so this script parses it with ``ast`` instead, following
the rules each parser applies:

- vLLM: every ``"--..."`` string literal passed to ``add_argument`` in ``vllm/engine/arg_utils.py``
  and ``vllm/entrypoints/common/cli_args.py``, plus one option per field of ``BaseFrontendArgs`` /
  ``FrontendArgs`` (``--`` + field name with ``_`` -> ``-``, as ``add_cli_args`` registers them).
  ``get_kwargs`` gives boolean config fields ``argparse.BooleanOptionalAction``, so a ``--no-X``
  form is added where the option's config field (``xxx_kwargs = get_kwargs(SomeConfig)`` ->
  ``SomeConfig.field: bool``) or frontend field is a ``bool``.
- SGLang: one option per ``A[T, "help"]`` / ``A[T, Arg(...)]`` field of the classes in
  ``sglang/srt/arg_groups/fields/*.py`` (``add_cli_args_from_dataclass``): its ``cli_name`` when
  given, else ``--`` + field name, plus ``aliases``; fields with ``no_cli=True`` or ``Derived``
  metadata are skipped. Plus the ``"--..."`` literals of ``ServerArgs.add_cli_args``'s manual
  ``add_argument`` calls in ``sglang/srt/server_args.py``.

The wheel file names and versions are written into each list's header.
"""

from __future__ import annotations

import ast
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
VLLM_VERSION = "0.33.0"
SGLANG_VERSION = "0.5.23"


def _sources(wheel: Path, prefix: str) -> dict[str, str]:
    with zipfile.ZipFile(wheel) as zf:
        return {
            name: zf.read(name).decode("utf-8")
            for name in zf.namelist()
            if name.startswith(prefix) and name.endswith(".py")
        }


def _flag_literals(node: ast.AST) -> list[str]:
    """``"--x"`` positional string arguments of every ``*.add_argument(...)`` call under node."""
    out = []
    for call in ast.walk(node):
        if (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and call.func.attr == "add_argument"
        ):
            for arg in call.args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    if arg.value.startswith("--"):
                        out.append(arg.value)
    return out


def _is_bool(annotation: ast.AST | None) -> bool:
    if annotation is None:
        return False
    text = ast.unparse(annotation).replace(" ", "")
    return text in ("bool", "bool|None", "Optional[bool]", "None|bool")


def _class_fields(tree: ast.AST) -> dict[str, dict[str, ast.AnnAssign]]:
    out: dict[str, dict[str, ast.AnnAssign]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            fields = {}
            for item in node.body:
                if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                    fields[item.target.id] = item
            out[node.name] = fields
    return out


def vllm_flags(wheel: Path) -> tuple[list[str], list[str]]:
    """(options, negated boolean forms) of ``vllm serve``."""
    src = _sources(wheel, "vllm/")
    arg_utils = ast.parse(src["vllm/engine/arg_utils.py"])
    cli_args = ast.parse(src["vllm/entrypoints/common/cli_args.py"])
    flags = set(_flag_literals(arg_utils)) | set(_flag_literals(cli_args))
    config_fields: dict[str, dict[str, ast.AnnAssign]] = {}
    for name, text in src.items():
        if name.startswith("vllm/config/"):
            config_fields |= _class_fields(ast.parse(text))
    frontend = _class_fields(cli_args)
    negated = set()
    for cls in ("BaseFrontendArgs", "FrontendArgs"):
        for field, node in frontend.get(cls, {}).items():
            if field.startswith("_"):
                continue
            flag = "--" + field.replace("_", "-")
            flags.add(flag)
            if _is_bool(node.annotation):
                negated.add("--no-" + flag[2:])
    # xxx_kwargs = get_kwargs(SomeConfig) ... add_argument("--flag", **xxx_kwargs["field"])
    kwargs_class: dict[str, str] = {}
    for node in ast.walk(arg_utils):
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Name)
            and node.value.func.id == "get_kwargs"
            and node.value.args
            and isinstance(node.value.args[0], ast.Name)
            and isinstance(node.targets[0], ast.Name)
        ):
            kwargs_class[node.targets[0].id] = node.value.args[0].id
    for call in ast.walk(arg_utils):
        if not (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and call.func.attr == "add_argument"
        ):
            continue
        names = [a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        explicit_bool = any(
            kw.arg == "action" and ast.unparse(kw.value).endswith("BooleanOptionalAction")
            for kw in call.keywords
        )
        splats = [kw.value for kw in call.keywords if kw.arg is None]
        for value in (v for splat in splats for v in ast.walk(splat)):
            # **xxx_kwargs["field"], also inside **{**xxx_kwargs["field"], "default": None}
            if (
                isinstance(value, ast.Subscript)
                and isinstance(value.value, ast.Name)
                and isinstance(value.slice, ast.Constant)
            ):
                cls = kwargs_class.get(value.value.id)
                field = config_fields.get(cls or "", {}).get(value.slice.value)
                if field is not None and _is_bool(field.annotation):
                    explicit_bool = True
        if explicit_bool:
            negated |= {"--no-" + n[2:] for n in names if n.startswith("--")}
    return sorted(flags), sorted(negated - flags)


def _arg_meta(annotation: ast.AST) -> tuple[bool, str | None, list[str]] | None:
    """(cli, cli_name, aliases) of an ``A[T, ...]`` annotation, or ``None`` if not one."""
    if not (isinstance(annotation, ast.Subscript) and ast.unparse(annotation.value) in ("A", "Annotated")):
        return None
    parts = annotation.slice.elts if isinstance(annotation.slice, ast.Tuple) else [annotation.slice]
    for meta in parts[1:]:
        if isinstance(meta, ast.Constant) and isinstance(meta.value, str):
            return True, None, []
        if isinstance(meta, ast.Call) and ast.unparse(meta.func) == "Arg":
            kw = {k.arg: k.value for k in meta.keywords if k.arg}
            no_cli = isinstance(kw.get("no_cli"), ast.Constant) and kw["no_cli"].value is True
            cli_name = kw["cli_name"].value if isinstance(kw.get("cli_name"), ast.Constant) else None
            aliases = []
            if isinstance(kw.get("aliases"), ast.List):
                aliases = [e.value for e in kw["aliases"].elts if isinstance(e, ast.Constant)]
            return (not no_cli), cli_name, aliases
    return None  # Derived(...) or no metadata: not a CLI option


def sglang_flags(wheel: Path) -> list[str]:
    src = _sources(wheel, "sglang/srt/")
    flags: set[str] = set()
    for name, text in src.items():
        if not name.startswith("sglang/srt/arg_groups/fields/"):
            continue
        for fields in _class_fields(ast.parse(text)).values():
            for field, node in fields.items():
                meta = _arg_meta(node.annotation)
                if meta is None or not meta[0]:
                    continue
                _, cli_name, aliases = meta
                flags.add(cli_name or "--" + field.replace("_", "-"))
                flags |= {a for a in aliases if a.startswith("--")}
    server = ast.parse(src["sglang/srt/server_args.py"])
    for node in ast.walk(server):
        if isinstance(node, ast.ClassDef) and node.name == "ServerArgs":
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name == "add_cli_args":
                    flags |= set(_flag_literals(item))
    return sorted(flags)


VLLM_HEADER = """# vLLM `vllm serve` option names, one per line (lines starting with # are comments).
#
# Generated by scripts/engine_flags.py from {wheel}, read statically
# (vllm/engine/arg_utils.py add_argument literals; vllm/entrypoints/common/cli_args.py literals and
# FrontendArgs fields). Boolean options use argparse.BooleanOptionalAction; their `--no-` forms
# are listed at the end. Do not edit by hand: rerun the script.
# tests/test_planning_deploy.py checks every flag Kickoff emits against this list.
"""

SGLANG_HEADER = """# SGLang `python -m sglang.launch_server` option names, one per line (# lines are comments).
#
# Generated by scripts/engine_flags.py from {wheel}, read statically:
# each A[T, ...] field of sglang/srt/arg_groups/fields/*.py as add_cli_args_from_dataclass registers
# it (cli_name, else --field-name; aliases; no_cli fields skipped), plus the manual add_argument
# calls of ServerArgs.add_cli_args. Do not edit by hand: rerun the script.
# tests/test_planning_deploy.py checks every flag Kickoff emits for SGLang against this list.
"""


def main(argv: list[str]) -> int:
    folder = Path(argv[1]) if len(argv) > 1 else Path("/tmp/wheels")
    vllm = next(folder.glob(f"vllm-{VLLM_VERSION}-*.whl"), None)
    sglang = next(folder.glob(f"sglang-{SGLANG_VERSION}-*.whl"), None)
    if vllm is None or sglang is None:
        print(
            f"need vllm-{VLLM_VERSION} and sglang-{SGLANG_VERSION} wheels in {folder} "
            f"(pip download --no-deps vllm=={VLLM_VERSION} sglang=={SGLANG_VERSION} -d {folder})",
            file=sys.stderr,
        )
        return 2
    flags, negated = vllm_flags(vllm)
    text = VLLM_HEADER.format(wheel=vllm.name) + "\n" + "\n".join(flags)
    text += "\n\n## negated boolean forms (BooleanOptionalAction)\n" + "\n".join(negated) + "\n"
    (DATA / "vllm_cli_args.txt").write_text(text, encoding="utf-8")
    sg = sglang_flags(sglang)
    text = SGLANG_HEADER.format(wheel=sglang.name) + "\n" + "\n".join(sg) + "\n"
    (DATA / "sglang_cli_args.txt").write_text(text, encoding="utf-8")
    print(f"vllm {len(flags)} options + {len(negated)} negated; sglang {len(sg)} options")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
