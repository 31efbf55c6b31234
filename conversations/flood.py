"""Flood control: a token bucket per address, checked before any database work.

A resident may send `Limit.burst` messages at once, then `Limit.per_minute` a minute. The first
message refused in a flood gets one polite notice; the rest are dropped at the cost of one
dictionary lookup. A flood ends when the bucket is full again. Pushes never pass here.

Several processes on one database share each writer's bucket through `SharedBuckets`
(storage/flood_buckets.py): a message this process's own bucket admits is then taken from the
shared one too, so writing to two processes gives no more than writing to one.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from conversations.kit import Address

log = logging.getLogger(__name__)

# More buckets than this and the idle ones (full again, so like new) are forgotten.
MAX_TRACKED = 50_000


@dataclass(frozen=True, slots=True)
class Limit:
    per_minute: float = 20.0
    burst: int = 10


class Verdict(StrEnum):
    ADMIT = "admit"
    NOTICE = "notice"
    DROP = "drop"


@dataclass(slots=True)
class Bucket:
    tokens: float
    at: float
    noticed: bool = False
    # The language the last answer was in, so the notice needs no database either.
    locale: str | None = None

    def take(self, now: float, limit: Limit) -> Verdict:
        """Refill for the time since ``at``, then take one token, or say how to refuse."""
        self.tokens = min(limit.burst, self.tokens + (now - self.at) * limit.per_minute / 60.0)
        self.at = now
        if self.tokens >= limit.burst:
            self.noticed = False
        if self.tokens >= 1:
            self.tokens -= 1
            return Verdict.ADMIT
        if self.noticed:
            return Verdict.DROP
        self.noticed = True
        return Verdict.NOTICE


class SharedBuckets(Protocol):
    """Every process's buckets, kept in the database."""

    async def take(self, address: Address, limit: Limit) -> Verdict: ...

    async def forget(self, address: Address) -> None: ...


class Flood:
    """Buckets of every address that wrote recently, in this process's memory."""

    def __init__(
        self,
        limit: Limit = Limit(),
        exempt: frozenset[str] = frozenset(),
        clock: Callable[[], float] = time.monotonic,
        trusted: frozenset[Address] = frozenset(),
        shared: SharedBuckets | None = None,
    ) -> None:
        if limit.per_minute <= 0 or limit.burst < 1:
            raise ValueError("a flood limit needs a positive rate and a burst of at least 1")
        self.limit = limit
        self.rate = limit.per_minute / 60.0
        # Channels (the operator's own) and addresses (organizers) never limited.
        self.exempt = exempt
        self.trusted = trusted
        self.clock = clock
        self.shared = shared
        self._buckets: dict[Address, Bucket] = {}

    def check(self, address: Address) -> Verdict:
        """Take one token for a message from ``address``, or say how to refuse it."""
        if self._free(address):
            return Verdict.ADMIT
        now = self.clock()
        bucket = self._buckets.get(address)
        if bucket is None:
            if len(self._buckets) >= MAX_TRACKED:
                self._forget_idle(now)
            bucket = self._buckets[address] = Bucket(float(self.limit.burst), now)
        return bucket.take(now, self.limit)

    async def admit(self, address: Address) -> Verdict:
        """`check`, then the shared bucket's verdict for a message this process admits, or
        the first it refuses (one notice however many processes the flood reaches)."""
        verdict = self.check(address)
        if verdict == Verdict.DROP or self.shared is None or self._free(address):
            return verdict
        try:
            shared = await self.shared.take(address, self.limit)
        except Exception:
            # The database is away: this process's own bucket still holds the flood back.
            log.exception("the shared flood bucket could not be read")
            return verdict
        if verdict == Verdict.NOTICE:
            # Refused here; noticed already by another process, or to be noticed now.
            return Verdict.DROP if shared == Verdict.DROP else Verdict.NOTICE
        return shared

    def _free(self, address: Address) -> bool:
        return address.channel in self.exempt or address in self.trusted

    def remember(self, address: Address, locale: str) -> None:
        bucket = self._buckets.get(address)
        if bucket is not None:
            bucket.locale = locale

    def locale(self, address: Address) -> str | None:
        bucket = self._buckets.get(address)
        return bucket.locale if bucket else None

    async def forget(self, address: Address) -> None:
        """Drop what is known of ``address`` (its data was erased), here and shared."""
        self._buckets.pop(address, None)
        if self.shared is None:
            return
        try:
            await self.shared.forget(address)
        except Exception:
            # The erasure is done; the row goes with the idle ones (storage/flood_buckets.py).
            log.exception("a shared flood bucket could not be forgotten")

    def _forget_idle(self, now: float) -> None:
        refill = self.limit.burst / self.rate
        for address in [a for a, b in self._buckets.items() if now - b.at >= refill]:
            del self._buckets[address]
