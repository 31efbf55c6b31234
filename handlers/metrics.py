"""What a running Hayna counts for monitoring, in Prometheus' text format at ``GET /metrics``:
messages answered and how long the answers took, refused webhooks, the platforms' 429s, and the
delivery table's backlog read at each scrape. Each app has a registry of its own, so that
several apps in one process (the tests) count apart."""

from __future__ import annotations

import hmac
import time
from collections.abc import Awaitable, Callable, Mapping
from enum import StrEnum
from typing import Protocol

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import generate_latest
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from conversations.kit import Inbound, Outgoing
from conversations.seams import Answerer

METRICS_PATH = "/metrics"
# From a few milliseconds (a menu) to Twilio's 15-second patience.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 15.0)


class Refusal(StrEnum):
    """Why a webhook request was refused."""

    # No secret token, or not Telegram's; no Twilio signature, or a wrong one.
    SIGNATURE = "signature"
    TOO_LARGE = "too_large"
    # Signed, yet not what the platform sends (a bad body, a repeated field, a missing one).
    MALFORMED = "malformed"


class DeliveryCounts(Protocol):
    """The delivery table's counts at one moment (storage/backlog.py)."""

    @property
    def by_state(self) -> Mapping[str, int]: ...
    @property
    def due(self) -> Mapping[str, int]: ...
    @property
    def oldest_due_seconds(self) -> Mapping[str, float]: ...


class Metrics:
    """The registry of one app and every metric in it."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.messages = Counter(
            "hayna_messages", "Messages from residents answered", ["channel"], registry=r
        )
        self.latency = Histogram(
            "hayna_answer_seconds",
            "Seconds from a resident's message to its answer being ready",
            ["channel"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.refusals = Counter(
            "hayna_webhook_refusals", "Webhook requests refused", ["channel", "reason"], registry=r
        )
        self.throttled = Counter(
            "hayna_platform_429", "HTTP 429 answers from a platform's API", ["channel"], registry=r
        )
        self.deliveries = Gauge("hayna_deliveries", "Deliveries by state", ["state"], registry=r)
        self.queue = Gauge(
            "hayna_delivery_queue", "Deliveries due and not sent", ["channel"], registry=r
        )
        self.oldest = Gauge(
            "hayna_delivery_queue_oldest_seconds",
            "Seconds the longest-waiting due delivery has been due",
            ["channel"],
            registry=r,
        )
        # The channels that ever had a queue here: once emptied, each shows 0 rather than vanish.
        self._queued: set[str] = set()

    def answered(self, channel: str, seconds: float) -> None:
        self.messages.labels(channel).inc()
        self.latency.labels(channel).observe(seconds)

    def refused(self, channel: str, reason: Refusal) -> None:
        self.refusals.labels(channel, reason.value).inc()

    def too_many_requests(self, channel: str) -> None:
        self.throttled.labels(channel).inc()

    def backlog(self, read: DeliveryCounts) -> None:
        """Set the backlog's gauges; a channel whose queue emptied shows 0, not its last value."""
        for state, count in read.by_state.items():
            self.deliveries.labels(state).set(count)
        self._queued.update(read.due)
        for channel in self._queued:
            self.queue.labels(channel).set(read.due.get(channel, 0))
            self.oldest.labels(channel).set(read.oldest_due_seconds.get(channel, 0.0))

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


class MeteredAnswerer:
    """An `Answerer` that counts each message it answers and times the answer."""

    def __init__(self, answerer: Answerer, metrics: Metrics) -> None:
        self.answerer = answerer
        self.metrics = metrics

    async def handle(self, msg: Inbound) -> list[Outgoing]:
        start = time.perf_counter()
        try:
            return await self.answerer.handle(msg)
        finally:
            self.metrics.answered(msg.address.channel, time.perf_counter() - start)


def metrics_route(
    metrics: Metrics, token: str, backlog: Callable[[], Awaitable[DeliveryCounts]]
) -> Route:
    """``GET /metrics`` for a scraper holding ``token`` (Authorization: Bearer); wrong or no
    token is a 401, counted as a refusal of channel ``metrics``."""
    expected = f"Bearer {token}".encode()

    async def scrape(request: Request) -> Response:
        given = request.headers.get("authorization", "").encode()
        # Constant time, so the token cannot be guessed a character at a time.
        if not hmac.compare_digest(given, expected):
            metrics.refused("metrics", Refusal.SIGNATURE)
            return Response(status_code=401, headers={"WWW-Authenticate": "Bearer"})
        metrics.backlog(await backlog())
        return Response(metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

    return Route(METRICS_PATH, scrape, methods=["GET"])
