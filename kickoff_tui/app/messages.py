"""Messages widgets post upward; screens handle them (update the session, re-size, refresh)."""

from __future__ import annotations

from textual.message import Message

from kickoff_tui.record.questionnaire import AnswerValue


class AnswerDrafted(Message):
    """The value in the answer field changed but is not confirmed (live preview of the spec)."""

    def __init__(self, question_id: str, value: AnswerValue | None) -> None:
        super().__init__()
        self.question_id = question_id
        """Question being answered."""
        self.value = value
        """Parsed draft value, or ``None`` when the field is empty or invalid."""


class AnswerConfirmed(Message):
    """The answer was confirmed (Enter / Save answer): record it now."""

    def __init__(
        self, question_id: str, value: AnswerValue, by_name: str, by_role: str, rationale: str
    ) -> None:
        super().__init__()
        self.question_id = question_id
        """Question answered."""
        self.value = value
        """Validated value."""
        self.by_name = by_name
        """Who gave the answer."""
        self.by_role = by_role
        """Role they spoke for."""
        self.rationale = rationale
        """Why (may be empty)."""


class AnswerCleared(Message):
    """The answer to a question was withdrawn (back to its default)."""

    def __init__(self, question_id: str, by_name: str, by_role: str) -> None:
        super().__init__()
        self.question_id = question_id
        """Question whose answer is withdrawn."""
        self.by_name = by_name
        """Who withdrew it."""
        self.by_role = by_role
        """Role they spoke for."""


class FlagAction(Message):
    """A button on a red flag was pressed: acknowledge it, or jump to the question behind it."""

    def __init__(self, flag_id: str, action: str) -> None:
        super().__init__()
        self.flag_id = flag_id
        """Flag concerned."""
        self.action = action
        """``"acknowledge"`` or ``"goto"``."""
