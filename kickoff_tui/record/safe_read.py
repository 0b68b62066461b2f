"""The one way Kickoff reads a file a user names: regular files only, with a bounded read.

Every command that reads a user file (sizing TOML, session, questionnaire, CSV, config.json, a
model in the user's ``models/`` folder) goes through :func:`read_user_bytes` /
:func:`read_user_text`:

* opened non-blocking (``O_NONBLOCK``), so a FIFO or a device cannot hang the open;
* the *open* descriptor is checked with ``fstat`` (not the path with ``stat``, which a symlink or
  a rename could swap in between): anything but a regular file (FIFO, character or block device,
  directory, socket) is refused with one line. A symlink to ``/dev/zero`` is followed, found to be
  a character device and refused before a byte is read;
* at most ``limit + 1`` bytes are read, in chunks, whatever the size claims to be, so a file that
  grows while it is read cannot exhaust memory.

Every failure is one :class:`~kickoff_tui.errors.KickoffError` line naming the file (with control
characters in the name shown as escapes).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from kickoff_tui.errors import KickoffError
from kickoff_tui.record.text import visible

_CHUNK = 1 << 20
"""Bytes asked for per ``read`` (1 MiB: few system calls, little memory over the limit)."""

_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
"""Read only; never block on a FIFO; never make a terminal device our controlling terminal."""


class NotARegularFile(KickoffError):
    """The path names a FIFO, a device, a socket or a folder, not a file."""


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_user_bytes(path: str | Path, limit: int, what: str = "file") -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them (else one-line error)."""
    shown = visible(path)
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except FileNotFoundError:
        missing = what if what.startswith(("session", "questionnaire")) else "file"
        raise KickoffError(f"{shown}: no such {missing}") from None
    except IsADirectoryError:
        raise NotARegularFile(f"{shown}: is a folder, not a {what}") from None
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise KickoffError(f"{shown}: too many levels of symbolic links") from None
        if err.errno == errno.ENXIO:  # a socket, or a FIFO some systems refuse to open
            raise NotARegularFile(f"{shown}: not a regular file (a socket or a pipe), not a {what}") from None
        raise KickoffError(f"{shown}: cannot read: {err.strerror or err}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise NotARegularFile(f"{shown}: is a folder, not a {what}")
        if not stat.S_ISREG(info.st_mode):
            raise NotARegularFile(f"{shown}: not a regular file ({_kind(info.st_mode)}), not a {what}")
        if info.st_size > limit:
            raise KickoffError(f"{shown}: {info.st_size:,} bytes is too large for a {what} (at most {limit:,})")
        chunks: list[bytes] = []
        got = 0
        while got <= limit:
            chunk = os.read(fd, min(_CHUNK, limit + 1 - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
    except OSError as err:
        raise KickoffError(f"{shown}: cannot read: {err.strerror or err}") from None
    finally:
        os.close(fd)
    if got > limit:
        raise KickoffError(f"{shown}: too large for a {what} (at most {limit:,} bytes)")
    return b"".join(chunks)


def decode_user_text(data: bytes, source: str, what: str = "file") -> str:
    """UTF-8 bytes to text (a leading byte-order mark dropped); one line if not UTF-8."""
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as err:
        raise KickoffError(
            f"{visible(source)}: cannot read the {what}: not UTF-8 text "
            f"(byte {err.start:,} is 0x{data[err.start]:02x})"
        ) from None


def read_user_text(path: str | Path, limit: int, what: str = "file") -> str:
    """:func:`read_user_bytes` decoded as UTF-8 (one-line error if it is not)."""
    return decode_user_text(read_user_bytes(path, limit, what), str(path), what)
