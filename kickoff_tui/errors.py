"""Errors a user can cause. The CLI prints their message on one line and exits with code 2."""

from __future__ import annotations


class KickoffError(Exception):
    """Bad input from the user (a file, an id, an argument). ``str(err)`` is one line."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(str(message).split()))


class SessionContentError(KickoffError):
    """A session that loaded but whose content is refused later: an answer the sizer or the
    planner refuses ("question 'use_case' (use_case): ..."), a questionnaire it was not bound to.

    Raised after the session file has loaded, so the message does not name the file; the CLI adds
    the file's name (``kickoff: FILE: question ...``) as it does for problems found on loading."""
