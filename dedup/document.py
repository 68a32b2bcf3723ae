"""The Document value that every stage receives, and the Problem values that reading reports."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Document:
    """One article. `id` is unique within a run; `date` is ISO `YYYY-MM-DD` or None when unknown."""

    id: str
    text: str
    date: str | None = None
    title: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with one input: `where` names the file (and line or record), `what` says what.

    `skipped` is False when the input was still used (for example a charset fallback or a renamed id)."""

    where: str
    what: str
    skipped: bool = True

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"
