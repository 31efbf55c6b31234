"""The dialog every resident types in the engine benchmark, and the driver that times a side
through it and checks its replies; both sides share it so that they measure the same work.
"""

from __future__ import annotations

import asyncio
import resource
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from time import perf_counter
from typing import Any

from conversations.menu import HOME

# Real names in both scripts, with and without accents; each has several candidates.
COMMUNES = ("Agadir", "Kénitra", "الدار البيضاء", "Tanger", "Fès", "مراكش")

# What a side answered to one message, as the checks see it: each reply's text and option count.
Seen = list[tuple[str, int]]


def dialog(i: int) -> list[str]:
    """What resident ``i`` types: even residents speak Arabic, odd ones French."""
    arabic = i % 2 == 0
    language = "1" if arabic else "2"
    # Greetings of every language, so both sides ask for the language and the same steps follow.
    greeting, help_word = ("السلام عليكم", "مساعدة") if arabic else ("salam", "aide")
    commune = COMMUNES[i % len(COMMUNES)]
    # The menu's help item, the help word, the menu's language item and the same language again.
    return [greeting, language, "1", commune, "1", "6", help_word, "5", language, "menu"]


@dataclass
class Result:
    label: str
    messages: int
    seconds: float
    p50_ms: float
    p99_ms: float
    rss_mb: float  # the child's peak resident set: interpreter, imports and the run
    grew_mb: float  # how much of it the run itself added
    failures: int
    problems: list[str]  # the first few failures, described


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


async def drive(
    label: str,
    residents: int,
    concurrency: int,
    prepare: Callable[[int, int, str], Any],
    handle: Callable[[Any], Awaitable[Callable[[], Seen]]],
    wrong: set[str],
) -> Result:
    """Run every resident's dialog, ``concurrency`` residents at a time, timing each message.

    Only ``handle`` counts. ``prepare`` builds the message as an adapter would have (PTB's
    `Update.de_json` alone costs more than its dispatch); ``handle`` returns a function that
    describes the replies, called after the clock stops.
    """
    for k, text in enumerate(dialog(-1)):  # warm caches (catalogs, statements) unmeasured
        await handle(prepare(-1, k, text))
    latencies: list[float] = []
    problems: list[str] = []
    aside = 0.0  # time spent preparing and checking, taken out of the run's duration
    queue = iter(range(residents))  # shared: each worker takes the next resident when free
    rss_before = _rss_mb()

    async def worker() -> None:
        nonlocal aside
        for i in queue:
            for k, text in enumerate(dialog(i)):
                prepared = perf_counter()
                message = prepare(i, k, text)
                start = perf_counter()
                describe = await handle(message)
                end = perf_counter()
                problems.extend(_check(i, k, describe(), wrong))
                # Neither segment awaits, so none overlaps another worker's: exact to subtract.
                aside += (start - prepared) + (perf_counter() - end)
                latencies.append(end - start)

    started = perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    seconds = perf_counter() - started - aside
    latencies.sort()
    n = len(latencies)
    p50, p99 = latencies[n // 2] * 1000, latencies[min(n - 1, n * 99 // 100)] * 1000
    grew = _rss_mb() - rss_before
    return Result(label, n, seconds, p50, p99, _rss_mb(), grew, len(problems), problems[:10])


def _check(i: int, k: int, seen: Seen, wrong: set[str]) -> list[str]:
    """Light checks, enough that the bench cannot silently measure errors."""
    where = f"resident {i}, message {k + 1}"
    if any(text in wrong for text, _ in seen):
        return [f"{where}: 'something went wrong'"]
    if not seen:
        return [f"{where}: no reply"]
    if k == 3 and seen[-1][1] < 2:
        return [f"{where}: no commune candidates for {dialog(i)[3]!r}"]
    if k == 9 and seen[-1][1] != len(HOME.options):
        return [f"{where}: the dialog does not end on the home menu: {seen[-1][0][:60]!r}"]
    return []
