"""Session files: TOML that reads and diffs well, written atomically, loaded with checks.

Layout: the scalars first (schema_version, id, title, ...), then ``[[participants]]``,
``[answers.<question_id>]`` tables in questionnaire order, ``[[signoffs]]``, ``[cadence]``,
``[scorecard]`` (the vendor scorecard, when set), ``[[flags]]``, ``[[events]]`` and last the ``[signed_spec]`` snapshot. Empty and default values of
answers and events are left out; TOML has no null, so None is always left out.
"""

from __future__ import annotations

import errno
import math
import os
import re
import stat
import tempfile
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import ValidationError

from kickoff_tui.errors import KickoffError
from kickoff_tui.record.migrate import migrate_session_data
from kickoff_tui.record.questionnaire import (
    Questionnaire,
    data_problems,
    decode_untrusted,
    default_questionnaire,
    parse_untrusted_toml,
    read_untrusted_file,
    summarize_problems,
)
from kickoff_tui.record.safe_read import _kind
from kickoff_tui.record.session import Session

DATA_DIR_ENV = "KICKOFF_DATA_DIR"
"""Environment variable that overrides the user data dir (tests point it at a temp dir)."""

SESSIONS_DIR = "sessions"
SESSION_SUFFIX = ".toml"

_NEW_FILE_MODE = 0o644
"""Mode of a newly written session file: readable by others, like any file kept in git."""

MAX_SESSION_BYTES = 20_000_000
"""Largest file read as a session. A full meeting with a signed spec is ~30 KB; a day-long
workshop with thousands of events stays far below this, and tomllib parses 20 MB in about a
second, so a hostile file cannot stall a load for long."""

_UNION_TAGS = {"bool", "int", "float", "str"}


def data_dir() -> Path:
    """The user data dir (``KICKOFF_DATA_DIR`` overrides platformdirs)."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override)
    from platformdirs import user_data_dir

    return Path(user_data_dir("kickoff", appauthor=False))


def sessions_dir() -> Path:
    return data_dir() / SESSIONS_DIR


def export_file_name(session_id: str, suffix: str = SESSION_SUFFIX) -> str:
    """The file name an export of a session gets in the folder the user chose: the id made a
    safe basename (no separator, no ``..``, no leading dot, bounded length), then ``suffix``.

    A session from someone else whose id is ``/srv/escape/by-id`` or ``../../srv/escape/by-id``
    is written as ``srv-escape-by-id.toml`` inside that folder, never outside it."""
    from kickoff_tui.record.text import safe_basename

    return safe_basename(session_id, fallback="session") + suffix


def autosave_path(session_id: str) -> Path:
    """Where a session autosaves when no path was given (the id made a safe file name, as for
    an export: see :func:`export_file_name`)."""
    return sessions_dir() / export_file_name(session_id, SESSION_SUFFIX)


_KICKOFF_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})-(.+)-([0-9a-f]{4})" + re.escape(SESSION_SUFFIX) + "$")
"""A session file name Kickoff made: ``<date>-<title slug>-<4 hex>.toml``."""


def titled_session_path(path: Path, title: str) -> Path | None:
    """The name ``path`` gets after the session was retitled ``title`` ("2026-03-02-ai-
    infrastructure-kickoff-5fc9.toml" -> "2026-03-02-regional-bank-rag-5fc9.toml"), or None when
    the file keeps its name: not in the data dir's sessions folder (a file the user named and
    opened is never renamed) or not named by Kickoff, or already named after ``title``."""
    from kickoff_tui.record.session import slugify

    match = _KICKOFF_NAME.match(path.name)
    if match is None:
        return None
    try:
        in_data_dir = path.parent.resolve() == sessions_dir().resolve()
    except OSError:
        return None
    if not in_data_dir:
        return None
    target = path.with_name(f"{match.group(1)}-{slugify(title)}-{match.group(3)}{SESSION_SUFFIX}")
    return None if target == path else target


def rename_session_file(source: Path, target: Path) -> bool:
    """Move a session file to ``target`` in one atomic step (``os.rename`` in one folder: at
    every instant exactly one of the two names holds the whole file). Never overwrites: False,
    and nothing moved, when ``target`` exists or the folder refuses."""
    if target.exists() or target.is_symlink() or not source.is_file():
        return False
    try:
        os.rename(source, target)
    except OSError:
        return False
    _fsync_folder(target.parent)
    return True


def list_sessions() -> list[Path]:
    """Session files in the data dir, newest first."""
    folder = sessions_dir()
    if not folder.is_dir():
        return []
    dated: list[tuple[float, Path]] = []
    try:
        candidates = list(folder.glob(f"*{SESSION_SUFFIX}"))
    except OSError:
        return []
    for path in candidates:
        try:  # a file may vanish between listing and stat (another kickoff, a sync tool)
            if path.is_file():
                dated.append((path.stat().st_mtime, path))
        except OSError:
            continue
    return [path for _, path in sorted(dated, key=lambda item: item[0], reverse=True)]


# --- writing --------------------------------------------------------------------------------------


def session_to_dict(session: Session) -> dict[str, Any]:
    """The session as plain TOML-ready data, in file order, without None values."""
    data: dict[str, Any] = {
        "schema_version": session.file_schema_version(),
        "id": session.id,
        "title": session.title,
        "questionnaire_id": session.questionnaire_id,
        "questionnaire_version": session.questionnaire_version,
        "catalog_version": session.catalog_version,
        "created": session.created,
        "updated": session.updated,
    }
    if session.participants:
        data["participants"] = [p.model_dump() for p in session.participants]
    if session.answers:
        data["answers"] = {k: a.model_dump(exclude_defaults=True) for k, a in session.answers.items()}
    if session.workloads:
        data["workloads"] = [
            {"name": w.name, **({"answers": {k: a.model_dump(exclude_defaults=True)
                                             for k, a in w.answers.items()}} if w.answers else {})}
            for w in session.workloads
        ]
    if session.signoffs:
        data["signoffs"] = [s.model_dump() for s in session.signoffs]
    if session.cadence is not None:
        data["cadence"] = session.cadence.model_dump()
    if session.scorecard is not None:
        data["scorecard"] = session.scorecard.model_dump(exclude_defaults=True)
    if session.flags:
        data["flags"] = [_flag_dict(f.model_dump(exclude_none=True)) for f in session.flags]
    if session.events:
        data["events"] = [e.model_dump(exclude_defaults=True) for e in session.events]
    if session.signed_spec is not None:
        spec = session.signed_spec.model_dump(exclude_none=True)
        if not spec.get("comparison"):
            spec.pop("comparison", None)  # snapshots leave the per-SKU table out
        for layout in (spec, *spec.get("comparison", [])):
            _drop_dense_layout(layout)
        data["signed_spec"] = spec
    return data


DENSE_LAYOUT = (("expert_parallel", 1), ("dp_attention", False))
"""MoE layout fields at their dense values: left out of the file, so a dense spec (or SKU row)
reads exactly as it did before the layout was recorded."""


def _drop_dense_layout(data: dict[str, Any]) -> None:
    for key, plain in DENSE_LAYOUT:
        if data.get(key) == plain:
            del data[key]


def _flag_dict(data: dict[str, Any]) -> dict[str, Any]:
    """Drop the noise of a flag record: no questions, nobody acting, still raised."""
    for key in ("by", "reason"):
        if data.get(key) == "":
            del data[key]
    if data.get("questions") == []:
        del data["questions"]
    if data.get("raised") is True:
        del data["raised"]
    return data


def dumps_session(session: Session) -> str:
    """The session as TOML text."""
    header = f"# Kickoff session record (schema {session.file_schema_version()}). Replay: kickoff replay FILE\n"
    # Single-line strings: tomli-w's multi-line strings turn "\r\n" into "\n" (not a round trip).
    return header + tomli_w.dumps(session_to_dict(session))


_SAVE_REASONS: dict[int, str] = {
    errno.ENOSPC: "the disk is full",
    errno.EROFS: "the disk is read-only",
    errno.EACCES: "no permission to write there",
    errno.EPERM: "no permission to write there",
    errno.EDQUOT: "the disk quota is used up",
    errno.ENOTDIR: "part of the path is a file, not a folder",
    errno.ENAMETOOLONG: "the file name is too long",
    errno.EIO: "the disk reported an input/output error",
    errno.EEXIST: "a file stands where a folder is needed",
}
"""Plain words for the errors a save meets in practice (errno names from POSIX)."""


class SaveFailed(KickoffError):
    """Writing a file failed (disk full, read-only, no permission...). The message is one line
    that says what happened and that nothing was lost: the session is still in memory, and the
    old file on disk, if any, is untouched (writes are atomic)."""

    def __init__(self, path: Path, err: OSError, *, new_session: bool = False) -> None:
        from kickoff_tui.record.text import visible

        self.path = Path(path)
        """The file that could not be written."""
        self.error = err
        """The operating system's error."""
        self.errno: int | None = err.errno
        """The operating system's error number (``errno.ENOSPC``...), None if it gave none."""
        said = err.strerror or str(err) or "write failed"
        plain = _SAVE_REASONS.get(err.errno or -1)
        self.reason: str = f"{said} ({plain})" if plain else said
        """What went wrong, as the system said it and in plain words."""
        if new_session:  # nothing was started, so nothing is "still open"
            super().__init__(
                f"cannot create the session file {visible(self.path)}: {self.reason}. No session "
                f"was started; make {visible(self.path.parent)} writable, or point {DATA_DIR_ENV} "
                "at a folder that is"
            )
            return
        super().__init__(
            f"cannot write {visible(self.path)}: {self.reason}. Nothing is lost: the session is "
            "still open; save it somewhere else"
        )

    def for_new_session(self) -> "SaveFailed":
        """The same failure, worded for a session that could not be created at all."""
        return SaveFailed(self.path, self.error, new_session=True)


def _fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (best effort: not every platform can open folders)."""
    with suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_target(path: str | Path) -> Path:
    """Where a write to ``path`` lands: the real file when ``path`` is a symlink (so a session
    opened through a link keeps the link and updates the file it points to), else ``path``."""
    path = Path(path)
    if path.is_symlink():
        return Path(os.path.realpath(path))
    return path


def atomic_write_text(
    path: Path, text: str, *, mode: int | None = None, follow_symlinks: bool = True
) -> None:
    """Write via a temp file in the same folder (flushed and fsynced) and ``os.replace``, so a
    reader sees the old file or the new one, never half of one. Raises :class:`SaveFailed`
    (a :class:`KickoffError`) when the disk refuses; the old file is then left as it was.

    The temp file is made by ``mkstemp`` in the target folder (``O_CREAT | O_EXCL``, a random
    name, mode 0600 until written), so a symlink planted at a predictable temp name cannot
    redirect the write. When ``path`` is a symlink the write goes to the file it points to and
    the link stays (``follow_symlinks=False`` replaces the link itself instead). A FIFO, a
    device, a socket or a folder at ``path`` is refused (:class:`SaveFailed`), never opened nor
    replaced. ``mode`` sets the new file's permissions (default: the old file's, else 0644)."""
    path = write_target(path) if follow_symlinks else Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            info: os.stat_result | None = os.stat(path, follow_symlinks=False)
        except FileNotFoundError:
            info = None
        if info is not None and not (stat.S_ISREG(info.st_mode) or stat.S_ISLNK(info.st_mode)):
            # A FIFO, a device, a socket or a folder is never replaced by a file (nor opened).
            raise OSError(errno.EINVAL, f"{_kind(info.st_mode)} is there, not a regular file")
        if mode is None:  # keep a file's mode; a link's 0777 is no guide
            regular = info is not None and stat.S_ISREG(info.st_mode)
            mode = info.st_mode & 0o777 if regular else _NEW_FILE_MODE
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMP_SUFFIX)
    except OSError as err:
        raise SaveFailed(path, err) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
            with suppress(AttributeError):  # no fchmod on Windows
                os.fchmod(handle.fileno(), mode)
        if not hasattr(os, "fchmod"):  # pragma: no cover - Windows
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as err:
        with suppress(OSError):
            os.unlink(tmp)
        raise SaveFailed(path, err) from None
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_folder(path.parent)


def _folder_problem(folder: Path) -> str | None:
    """Why files cannot go into ``folder`` without leaving it (None: a real folder, or nothing
    there yet): a symbolic link (it could lead anywhere) or something that is not a folder."""
    try:
        info = os.stat(folder, follow_symlinks=False)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as err:
        return f"cannot be checked ({err.strerror or err})"
    if stat.S_ISLNK(info.st_mode):
        return ("is a symbolic link; Kickoff writes only into real folders, never through a link "
                "(it could lead anywhere): remove the link or choose another folder")
    if not stat.S_ISDIR(info.st_mode):
        return f"is {'a file' if stat.S_ISREG(info.st_mode) else _kind(info.st_mode)}, not a folder"
    return None


def _folders_below(root: Path, folder: Path) -> list[Path]:
    """``folder`` and the folders between it and ``root`` (``root`` excluded), outermost first."""
    parts = Path(folder).relative_to(root).parts  # ValueError: a caller bug, not user input
    return [root.joinpath(*parts[: n + 1]) for n in range(len(parts))]


def check_write_target(path: str | Path, root: str | Path | None = None) -> None:
    """Refuse, before anything is written, a write to ``path`` that could leave ``root`` (the
    folder the user chose, default ``path``'s own folder) or destroy what is not a file: one
    line (:class:`KickoffError`).

    * Every part of the path below ``root`` that exists must be a real folder: a symbolic link
      planted there (``received-charts -> /elsewhere`` next to a received session,
      ``deploy/chat-assistant -> /elsewhere``) would carry the files out of the folder. ``root``
      itself is as the user named it (a link the user gave is theirs).
    * An existing ``path`` must be a regular file or a symbolic link (which
      :func:`atomic_write_text` with ``follow_symlinks=False`` replaces, never writing through
      it). A FIFO, a device, a socket or a folder is refused, checked with ``lstat`` and never
      opened (a FIFO would block)."""
    from kickoff_tui.record.text import visible

    path = Path(path)
    root = path.parent if root is None else Path(root)
    for folder in _folders_below(root, path.parent):
        problem = _folder_problem(folder)
        if problem is not None:
            raise KickoffError(f"{visible(folder)} {problem}")
    try:
        info = os.stat(path, follow_symlinks=False)
    except (FileNotFoundError, NotADirectoryError):
        return  # nothing there yet (a file in the way of a folder is named when it is made)
    except OSError:
        return  # the write itself says what the system refuses
    if not (stat.S_ISREG(info.st_mode) or stat.S_ISLNK(info.st_mode)):
        raise KickoffError(
            f"{visible(path)} is {_kind(info.st_mode)}, not a regular file: Kickoff replaces only "
            "regular files; remove it or choose another name"
        )


def make_folders(root: str | Path, folder: str | Path) -> None:
    """Create ``folder`` (``root`` or a folder below it) to write into: ``root`` as the user named
    it (its parents created too), then each part below it one at a time, refused (one line,
    :class:`KickoffError`) when it is a symbolic link or not a folder, checked after the
    ``mkdir`` so a link that was there already is never written through."""
    from kickoff_tui.record.text import visible

    root, folder = Path(root), Path(folder)
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise SaveFailed(root, err) from None
    for part in _folders_below(root, folder):
        try:
            os.mkdir(part)
        except FileExistsError:
            pass  # checked just below, whatever is there
        except OSError as err:
            raise SaveFailed(part, err) from None
        problem = _folder_problem(part)
        if problem is not None:
            raise KickoffError(f"{visible(part)} {problem}")


TEMP_SUFFIX = ".tmp"
"""Suffix of the temp files :func:`atomic_write_text` makes (``.NAME.XXXXXXXX.tmp``)."""

STALE_TEMP_SECONDS = 60.0
"""A temp file older than this is left over from a killed write (a save takes milliseconds)."""

_TEMP_NAME = re.compile(r"\..+\.[A-Za-z0-9_]{8}\.tmp")
"""Names ``mkstemp`` gives our temp files: ``.`` + target name + ``.`` + 8 random + ``.tmp``."""


def clean_stale_temp_files(folder: str | Path, *, older_than: float = STALE_TEMP_SECONDS) -> list[Path]:
    """Remove temp files a killed save left in ``folder`` (``.NAME.toml.XXXXXXXX.tmp``, regular
    files older than ``older_than`` seconds, never following a link); return what was removed.

    A write in progress is never touched (it is younger than a minute), nor anything that does
    not match the pattern. Best effort: an unreadable folder removes nothing."""
    import time

    removed: list[Path] = []
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not _TEMP_NAME.fullmatch(entry.name):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if not stat.S_ISREG(info.st_mode) or now - info.st_mtime < older_than:
                continue
            os.unlink(entry.path)
        except OSError:
            continue
        removed.append(Path(entry.path))
    return removed


def save_session(session: Session, path: str | Path | None = None) -> Path:
    """Write the session atomically to ``path`` (default: its autosave file in the data dir).

    Raises :class:`SaveFailed` when the disk is full or read-only; the session object is
    unchanged, so the caller can offer to save it elsewhere."""
    target = Path(path) if path is not None else (session.autosave_file or autosave_path(session.id))
    atomic_write_text(target, _checked_text(session, target))
    return target


def _checked_text(session: Session, target: Path) -> str:
    """The session's TOML, after the checks :func:`loads_session` applies to a file (sizes,
    numbers, characters, value count): a file that would not load back is never written.
    The Session API refuses such text before recording it; this catches anything derived
    (a spec snapshot) that slipped past. Costs about a millisecond for a full meeting."""
    data = session_to_dict(session)
    problems = data_problems(data)
    text = "" if problems else dumps_session(session)
    if not problems and len(text) > MAX_SESSION_BYTES:
        problems = [f"{len(text):,} characters is too large for a session file"]
    if problems:
        raise SaveFailed(
            target, OSError(errno.EINVAL, f"the record would not load back ({summarize_problems(problems)})")
        )
    return text


# --- reading --------------------------------------------------------------------------------------


class SessionFileError(KickoffError):
    """A session file with problems; ``problems`` holds one line per problem."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        count = f"{len(problems)} problems" if len(problems) > 1 else "1 problem"
        super().__init__(f"{source}: {count}: {summarize_problems(problems)}")


def _loc(loc: tuple[Any, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "file"


def _validation_problems(err: ValidationError) -> list[str]:
    problems: list[str] = []
    unions: dict[tuple[Any, ...], Any] = {}
    for item in err.errors():
        loc = tuple(item["loc"])
        if loc and loc[-1] in _UNION_TAGS:
            unions.setdefault(loc[:-1], item.get("input"))
            continue
        msg = item["msg"].removeprefix("Value error, ")
        given = item.get("input")
        shown = (
            f" (got {given!r})"
            if isinstance(given, (str, int, float, bool)) and item["type"] != "missing" and len(repr(given)) < 60
            else ""
        )
        problems.append(f"{_loc(loc)}: {msg}{shown}")
    for loc, given in unions.items():
        problems.append(f"{_loc(loc)}: expected true/false, a number or a string (got {type(given).__name__})")
    return problems


def _signed_spec_problems(session: Session) -> list[str]:
    """The signed spec prices, deploys and re-checks its GPU from the catalog: a GPU id the shipped
    catalog lacks (a hand-edited or hostile file: ``gpu = "../../etc"``) is refused on loading,
    where the report would otherwise stop half-way."""
    from kickoff_tui.catalog import CatalogError, get_gpu

    spec = session.signed_spec
    if spec is None:
        return []
    problems = _negative_figures("signed_spec", spec.model_dump())
    if spec.gpu:
        try:
            get_gpu(spec.gpu)
        except CatalogError as err:
            problems.insert(0, f"signed_spec.gpu: {err}")
    return problems


def _workload_name_problems(session: Session) -> list[str]:
    """A workload of a received file must be nameable in the app and in a portfolio file (its
    name becomes a folder of the deployment files): ``name = ".."`` loaded, then `export
    --deploy` stopped with pydantic's own three-line message."""
    from kickoff_tui.record.workloads import workload_name_problem

    problems: list[str] = []
    for i, workload in enumerate(session.workloads):
        earlier = [w.name for w in session.workloads[:i]]
        problem = workload_name_problem(workload.name, earlier)
        if problem is not None:
            problems.append(f"workloads[{i + 1}].name: {problem}")
    return problems


def _negative_figures(where: str, value: object) -> list[str]:
    """Every figure of a sized spec is a count, a size, a time, a power or a price: none is below
    zero or infinite (``total_gpus = -5`` in a hand-edited file would reach the memo)."""
    if isinstance(value, bool):
        return []
    if isinstance(value, (int, float)):
        if not math.isfinite(value) or value < 0:
            return [f"{where}: {value} is not a figure a sized spec can hold (0 or more)"]
        return []
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in _negative_figures(f"{where}.{key}", item)]
    if isinstance(value, list):
        return [p for i, item in enumerate(value) for p in _negative_figures(f"{where}[{i + 1}]", item)]
    return []


def _semantic_problems(session: Session, questionnaire: Questionnaire) -> list[str]:
    """Answers that name no question or hold a value the question refuses (checked only when the
    file was written against this very questionnaire version)."""
    if session.questionnaire_version != questionnaire.version:
        return []
    problems: list[str] = []
    from kickoff_tui.record.workloads import is_per_workload

    held = [("answers", session.answers)]
    held += [(f"workloads[{i + 1}].answers", w.answers) for i, w in enumerate(session.workloads)]
    for where, answers in held:
        for qid, answer in answers.items():
            question = questionnaire.find(qid)
            if question is None:
                problems.append(f"{where}.{qid}: no such question in questionnaire {questionnaire.id!r}")
                continue
            if where != "answers" and not is_per_workload(question):
                problems.append(f"{where}.{qid}: a question shared by every workload (put it under [answers])")
                continue
            try:
                question.validate_value(answer.value, check_catalog=False)
            except KickoffError as err:
                problems.append(f"{where}.{qid}.value: {str(err).split(': ', 1)[-1]}")
    return problems


def loads_session(
    text: str, source: str = "session", *, questionnaire: Questionnaire | None = None
) -> Session:
    """Parse and validate session TOML; every problem is reported, one line each, in one
    :class:`SessionFileError`.

    The text is untrusted: syntax, size, nesting, strings, numbers and control characters are
    checked before any model sees the data (see :func:`parse_untrusted_toml`); an older
    ``schema_version`` is migrated (see :mod:`kickoff_tui.record.migrate`), a newer one refused."""
    if len(text) > MAX_SESSION_BYTES:
        raise SessionFileError(source, [f"{len(text):,} characters is too large for a session file"])
    raw, problems = parse_untrusted_toml(text)
    if problems:
        raise SessionFileError(source, problems)
    raw, problems = migrate_session_data(raw)
    if problems:
        raise SessionFileError(source, problems)
    try:
        session = Session.model_validate(raw)
    except ValidationError as err:
        raise SessionFileError(source, _validation_problems(err)) from None
    # Validation may coerce a value (a string "1e308" into a float): what loads must also pass
    # the same checks once written back, so a loaded session can always be saved and reopened.
    problems = (data_problems(session_to_dict(session)) + _signed_spec_problems(session)
                + _workload_name_problems(session))
    if problems:
        raise SessionFileError(source, problems)
    if questionnaire is None:
        shipped = default_questionnaire()
        if shipped.id == session.questionnaire_id:
            questionnaire = shipped
    if questionnaire is not None:
        try:
            session.bind(questionnaire=questionnaire)
        except KickoffError as err:
            raise SessionFileError(source, [str(err)]) from None
        problems = _semantic_problems(session, questionnaire)
        if problems:
            raise SessionFileError(source, problems)
    return session


def session_from_bytes(
    data: bytes, source: str = "session", *, questionnaire: Questionnaire | None = None
) -> Session:
    """:func:`loads_session` for raw bytes (a file as read from disk, mail or git)."""
    if len(data) > MAX_SESSION_BYTES:
        raise SessionFileError(source, [f"{len(data):,} bytes is too large for a session file"])
    return loads_session(decode_untrusted(data, source, "session file"), source, questionnaire=questionnaire)


def load_session(path: str | Path, *, questionnaire: Questionnaire | None = None) -> Session:
    """Read a session file (errors are one-line :class:`KickoffError`, never a traceback)."""
    file = Path(path)
    text = read_untrusted_file(file, MAX_SESSION_BYTES, "session file")
    return loads_session(text, str(file), questionnaire=questionnaire)


# --- resuming ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionSummary:
    """A session file found in the data dir, as the start screen and "resume" list it."""

    path: Path
    """The session file."""
    title: str
    """The session's title."""
    updated: datetime
    """When it last changed (UTC)."""
    answered: int
    """Questions answered so far."""
    total: int
    """Questions that need an answer (optional ones left out)."""
    signed_off: bool = False
    """True once IT and the AI team have both signed off (the meeting is done)."""


ResumableSession = SessionSummary
"""An unfinished session (kept as a name for callers that only resume)."""


def summarise_sessions(limit: int | None = None, unfinished_only: bool = False) -> list[SessionSummary]:
    """Sessions in the data dir, most recently changed first.

    Files that cannot be read (damaged, foreign, from a newer kickoff) are skipped: the app offers
    only what will open. ``limit`` stops after that many were found."""
    found: list[SessionSummary] = []
    for path in list_sessions():
        try:
            session = load_session(path)
        except KickoffError:
            continue
        if unfinished_only and session.is_signed_off:
            continue
        required = [q for q in session.applicable() if not q.optional]
        found.append(
            SessionSummary(
                path=path,
                title=session.title,
                updated=session.updated,
                answered=sum(1 for q in required if q.id in session.answers_for()),
                total=len(required),
                signed_off=session.is_signed_off,
            )
        )
        if limit is not None and len(found) >= limit:
            break
    return found


def find_resumable_sessions(limit: int | None = None) -> list[SessionSummary]:
    """Unfinished sessions (not yet signed off by IT and the AI team), newest first."""
    return summarise_sessions(limit, unfinished_only=True)


def last_resumable_session() -> ResumableSession | None:
    """The most recently changed unfinished session, or None (what "Resume" should offer)."""
    found = find_resumable_sessions(limit=1)
    return found[0] if found else None
