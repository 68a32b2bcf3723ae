"""Ordered work over processes: every stage that uses both cores goes through `ordered_map`.

Workers are forked, so they share the run's state (the document store, the chrome, the policy) without
pickling it; results come back in input order, so output never depends on the number of jobs.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


def available_jobs(jobs: int | None) -> int:
    """`jobs`, or every core this process may use when None or 0."""
    if jobs:
        return max(1, jobs)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def ordered_map(
    function: Callable[[Item], Result],
    items: Iterable[Item],
    jobs: int | None,
    ahead: int | None = None,
    threads: bool = False,
) -> Iterator[Result]:
    """`map(function, items)` on `jobs` processes (in this one for a single job), results in input order.
    `function` must be a module-level function; state it needs is set before the call (fork shares it).
    `ahead` bounds the items in hand at once, done or not (all of them when None): a reader's results are
    texts, and the workers can read faster than this process takes them. `threads`: on threads of this
    process instead, for work that is nearly all compiled code or numpy that lets go of the interpreter
    lock: nothing is forked, pickled or sent back."""
    workers = available_jobs(jobs)
    # One item cannot be shared out: forking workers for it (and each loading the stage's compiled code
    # again) cost the last stages of a 100k scan a tenth of a second.
    if workers == 1 or (isinstance(items, Sequence) and len(items) <= 1):
        yield from map(function, items)
        return
    if threads:
        with ThreadPoolExecutor(workers) as executor:
            yield from executor.map(function, items)
        return
    context = multiprocessing.get_context("fork")
    with context.Pool(workers) as pool:
        if ahead is None:
            yield from pool.imap(function, items, chunksize=1)
            return
        pending: deque = deque()
        for item in items:
            pending.append(pool.apply_async(function, (item,)))
            if len(pending) >= ahead:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()
