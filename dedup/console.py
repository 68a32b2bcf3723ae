"""The one stderr console for people (warnings, progress, summaries), and the progress display.

Colour and live progress only when stderr is a terminal; rich honours NO_COLOR by itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

stderr = Console(stderr=True, highlight=False)

LIVE_MINIMUM = 200  # stages shorter than this finish before a bar would be worth drawing


class RichProgress:
    """A transient bar per pipeline stage, on stderr, on a terminal only (the scan's StageProgress)."""

    def __init__(self, console: Console = stderr, enabled: bool | None = None) -> None:
        self.console = console
        self.enabled = console.is_terminal if enabled is None else enabled

    @contextmanager
    def stage(self, name: str, total: int) -> Iterator[Callable[[int], None]]:
        if not self.enabled or total < LIVE_MINIMUM:
            yield lambda step: None
            return
        columns = (
            TextColumn(f"{name:<12}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("[progress.percentage]{task.percentage:>3.0f}%"),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=self.console, transient=True) as progress:
            task = progress.add_task(name, total=total)
            yield lambda step: progress.advance(task, step)


def warn(message: str) -> None:
    stderr.print(f"[yellow]warning:[/yellow] {escape(message)}", soft_wrap=True)


def error(message: str) -> None:
    stderr.print(f"[red]error:[/red] {escape(message)}", soft_wrap=True)
