"""Errors a user can cause. The CLI prints their message on one line and exits with code 2."""

from __future__ import annotations


class KickoffError(Exception):
    """Bad input from the user (a file, an id, an argument). ``str(err)`` is one line."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(str(message).split()))
