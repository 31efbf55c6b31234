"""The pace of a platform, on a clock the test controls."""

from __future__ import annotations

import asyncio

from handlers.pacing import Pace


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)


async def test_sends_are_spaced_and_held() -> None:
    time = FakeTime()
    pace = Pace(10, time.clock, time.sleep)
    sent = []
    for _ in range(5):
        await pace.wait()
        sent.append(round(time.now, 3))
    assert sent == [0.0, 0.1, 0.2, 0.3, 0.4]
    pace.hold(3)
    await pace.wait()
    assert time.now >= 3.4


async def test_concurrent_callers_each_wake_once_at_their_own_slot() -> None:
    time = FakeTime()
    pace = Pace(100, time.clock, time.sleep)
    wakes: list[float] = []  # when each sleep ends
    sleep = time.sleep

    async def counted(seconds: float) -> None:
        wakes.append(round(time.now + seconds, 6))
        await sleep(seconds)

    pace.sleep = counted
    await asyncio.gather(*(pace.wait() for _ in range(50)))
    # The first goes at once; each other sleeps once, until a slot of its own, 10 ms apart.
    assert sorted(wakes) == [round(slot / 100, 6) for slot in range(1, 50)]
