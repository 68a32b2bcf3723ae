"""The one stderr console for people (warnings, progress, summaries), and the progress display.

Progress of each stage goes to stderr in one of two forms. On a terminal: a transient live bar with the
count, the rate and the time left (colour as rich decides; rich honours NO_COLOR by itself). Anywhere else
(a batch run logged to a file): plain lines, no control codes, and only for stages long enough to matter,
so a short run's stderr holds nothing but its summary. The clock is a parameter, so tests need not sleep.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, ProgressColumn, Task, TaskID, TextColumn, TimeElapsedColumn
from rich.text import Text

stderr = Console(stderr=True, highlight=False)

MINIMUM_ITEMS = 200  # a stage with fewer items is over before a display of it would be worth reading
LOG_AFTER_SECONDS = 2.0  # off a terminal, a stage that ends sooner prints nothing: short runs keep stderr clean
LOG_ALWAYS_AFTER_SECONDS = 30.0  # ... but one this long says so whatever its count (banding: 128 bands)
LOG_EVERY_SECONDS = 10.0  # off a terminal, a running stage says where it is at most this often
LIVE_UPDATE_SECONDS = 0.1  # the bar redraws ten times a second; handing it counts more often is wasted work

Clock = Callable[[], float]
T = TypeVar("T")


def _ignore(step: int) -> None:
    pass


class RichProgress:
    """Each pipeline stage's progress on stderr (the scan's StageProgress): a live bar on a terminal,
    plain lines in a log, nothing when quiet."""

    def __init__(self, console: Console = stderr, quiet: bool = False, clock: Clock = time.monotonic) -> None:
        self.console = console
        self.quiet = quiet
        self.clock = clock

    @contextmanager
    def stage(self, name: str, total: int | None, unit: str = "items") -> Iterator[Callable[[int], None]]:
        """A context for one stage of `total` items (None: not known in advance) yielding `advance(step)`."""
        if self.quiet:
            yield _ignore
            return
        display = _LiveStage if self.console.is_terminal else _LoggedStage
        with display(self.console, self.clock, name, total, unit) as shown:
            yield shown.advance

    def track(self, items: Iterable[T], name: str, unit: str = "items") -> Iterator[T]:
        """`items` as they come, counted as a stage whose length is not known in advance (reading)."""
        with self.stage(name, None, unit) as advance:
            for item in items:
                advance(1)
                yield item


class _Stage:
    def __init__(self, console: Console, clock: Clock, name: str, total: int | None, unit: str) -> None:
        self.console = console
        self.clock = clock
        self.name = name
        self.total = total
        self.unit = unit
        self.done = 0
        self.started = clock()

    def __enter__(self) -> _Stage:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        self.end(finished=kind is None)

    def advance(self, step: int) -> None:
        raise NotImplementedError

    def end(self, finished: bool) -> None:
        raise NotImplementedError


class _LoggedStage(_Stage):
    """Plain lines: where a long stage is, every LOG_EVERY_SECONDS, and what it did when it ends."""

    def __init__(self, console: Console, clock: Clock, name: str, total: int | None, unit: str) -> None:
        super().__init__(console, clock, name, total, unit)
        self.next_line = self.started + LOG_EVERY_SECONDS

    def advance(self, step: int) -> None:
        self.done += step
        if self.done == self.total:
            return  # the closing line says it
        now = self.clock()
        if now >= self.next_line:
            self.next_line = now + LOG_EVERY_SECONDS
            self._print(status(self.done, self.total, self.unit, self.done / (now - self.started)))

    def end(self, finished: bool) -> None:
        seconds = self.clock() - self.started
        worth_a_line = self.done >= MINIMUM_ITEMS or seconds >= LOG_ALWAYS_AFTER_SECONDS
        if finished and seconds >= LOG_AFTER_SECONDS and worth_a_line:
            rate = f"{per_second(self.done / seconds)} {self.unit}/s"
            self._print(f"{count(self.done, None, self.unit)} in {duration(seconds)} ({rate})")

    def _print(self, message: str) -> None:
        self.console.print(f"{self.name}: {message}", markup=False, highlight=False, soft_wrap=True)


class _LiveStage(_Stage):
    """A transient rich bar, started once the stage has items enough to be worth watching."""

    def __init__(self, console: Console, clock: Clock, name: str, total: int | None, unit: str) -> None:
        super().__init__(console, clock, name, total, unit)
        columns = (TextColumn(f"{name:<12}", markup=False), BarColumn(), _StatusColumn(), TimeElapsedColumn())
        # stdout is data only: rich must not route it through this stderr display
        self.progress = Progress(*columns, console=console, transient=True, get_time=clock, redirect_stdout=False)
        self.task: TaskID | None = None
        self.updated = -math.inf
        if total is not None and total >= MINIMUM_ITEMS:
            self._start()

    def _start(self) -> None:
        self.task = self.progress.add_task(self.name, total=self.total, completed=self.done, unit=self.unit)
        self.progress.start()

    def advance(self, step: int) -> None:
        self.done += step
        if self.task is None:
            if self.total is not None or self.done < MINIMUM_ITEMS:
                return
            self._start()
        now = self.clock()
        if now - self.updated >= LIVE_UPDATE_SECONDS or self.done == self.total:
            assert self.task is not None
            self.progress.update(self.task, completed=self.done)
            self.updated = now

    def end(self, finished: bool) -> None:
        if self.task is not None:
            self.progress.update(self.task, completed=self.done)
            self.progress.stop()


class _StatusColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        total = None if task.total is None else int(task.total)
        return Text(status(int(task.completed), total, task.fields["unit"], task.speed))


def status(done: int, total: int | None, unit: str, rate: float | None) -> str:
    """Where a stage is: '1,200,000 of 8,900,000 pairs (13%), 41,000 pairs/s, 3 min 37 s left'."""
    text = count(done, total, unit)
    if total:
        text += f" ({100 * done // total}%)"
    if rate:
        text += f", {per_second(rate)} {unit}/s"
        if total is not None and done < total:
            text += f", {duration((total - done) / rate)} left"
    return text


def count(done: int, total: int | None, unit: str) -> str:
    return f"{done:,} {unit}" if total is None else f"{done:,} of {total:,} {unit}"


def per_second(rate: float) -> str:
    """Three significant figures: 23,809.5 -> '23,800'; 0.8765 -> '0.877'."""
    if rate < 100:
        return f"{rate:.3g}"
    return f"{round(rate, 2 - math.floor(math.log10(rate))):,.0f}"


def duration(seconds: float) -> str:
    if round(seconds, 1) < 60:
        return f"{seconds:.1f} s"
    minutes, whole_seconds = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {whole_seconds} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"


def warn(message: str) -> None:
    stderr.print(f"[yellow]warning:[/yellow] {escape(message)}", soft_wrap=True)


def error(message: str) -> None:
    stderr.print(f"[red]error:[/red] {escape(message)}", soft_wrap=True)
