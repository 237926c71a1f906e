"""The exceptions a self-check raises: each message is written for the learner."""

from __future__ import annotations


class SelfCheckFailed(AssertionError):
    """A visible check failed; the message says what went wrong in plain words."""


class NotWrittenYet(SelfCheckFailed):
    """The learner's function still raises the release stub's NotImplementedError."""

    def __init__(self, where: str, seen: str = "") -> None:
        self.where = where
        detail = f" ({seen})" if seen else ""
        super().__init__(
            f"not written yet: replace the `raise NotImplementedError` line in {where} with your "
            f"code, then run its cell{detail}"
        )


class CheckUnavailable(Exception):
    """No self-check exists for this request (unknown id, written answer, notebook not found)."""
