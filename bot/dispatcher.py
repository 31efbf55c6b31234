"""The dispatcher: sends due deliveries through each channel's `Outbox`, at most once each.

Each channel is dispatched on its own: it claims a batch of that channel's rows (the most urgent
first, then the oldest), renders each push in its recipient's language, sends it, and records
the outcome: sent; retried with exponential backoff (or the platform's ``retry_after``); or
given up when the platform says the resident cannot be reached or attempts run out.

With a `SenderLock`, a channel is sent only while this process holds its lock: of several
processes on one PostgreSQL database, one sends each channel's pushes, and when it dies another
takes the lock at its next try (every `GUARD_SECONDS`) and sends what it had claimed a few
seconds on (`TAKEOVER_GRACE`). A process that stops sends its last batch before it lets go.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Collection, Mapping
from datetime import UTC, datetime, timedelta

from conversations.kit import Address, Attachment, Outgoing
from conversations.language import DEFAULT
from conversations.seams import Outbox, Push, Rejected, TransientFailure, Unreachable
from conversations.text import Translator, from_json
from storage.deliveries import DeliveryOutcome, DeliveryQueue, DeliveryStatus, Due
from storage.sender_lock import SenderLock

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BASE_DELAY = timedelta(seconds=5)
MAX_DELAY = timedelta(hours=1)
# Do not start a send this close to the end of the claim's lease.
LEASE_MARGIN = timedelta(seconds=15)
# How often a process tries to take the channels it does not send, and checks the ones it does.
GUARD_SECONDS = 2.0
# How long the claims of an earlier sender wait once another process took its channel: its next
# check of the lock (and the time that check may take), and a send already on its way.
TAKEOVER_GRACE = timedelta(seconds=3 * GUARD_SECONDS)

# The photos of a batch's deliveries by id, loaded at once; a deleted one is missing.
Photos = Callable[[Collection[int]], Awaitable[Mapping[int, Attachment]]]


class Dispatcher:
    def __init__(
        self,
        queue: DeliveryQueue,
        outboxes: Mapping[str, Outbox],
        translator: Callable[[str], Translator],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        expand: Callable[[datetime], Awaitable[int]] | None = None,
        concurrency: int = 1,
        batch: int = 20,
        photos: Photos | None = None,
        lock: SenderLock | None = None,
        record_every: int | None = None,
    ) -> None:
        self.queue = queue
        self.outboxes = outboxes
        self.translator = translator
        self.clock = clock
        # Turns due announcements into delivery rows before each claim.
        self.expand = expand
        # Sends in flight at once; each outbox keeps its platform's pace whatever this is.
        self.concurrency = concurrency
        self.batch = batch
        self.photos = photos
        # None: this process sends every channel it has (one process, or SQLite).
        self.lock = lock
        # Outcomes recorded together; None: about a tenth of a batch. Fewer at once is less to
        # send again when a process dies mid-batch and another takes over.
        self.record_every = record_every
        # Two lanes per channel when sending in parallel: while one claims or records (on SQLite
        # the database holds the event loop), the other's sends, already paced, go on.
        self.lanes = 2 if concurrency > 1 else 1
        # Set by the scheduler when an announcement comes due, so it goes without waiting.
        self.wake = asyncio.Event()
        self.margin = min(LEASE_MARGIN, queue.lease / 4)
        # The channels whose pushes this process sends now (for the health check): all of them
        # while running without a lock, else those whose lock it holds.
        self.sending: set[str] = set()
        # True while `run` sends under the lock: `run_once` (a terminal, a test) does not ask.
        self._guarded = False

    async def run_once(self, batch: int | None = None, user_id: str | None = None) -> int:
        """Send what is due now, every channel's batch side by side; returns how many
        deliveries were claimed. ``user_id``: only that resident's (a terminal chat's own)."""
        await self._expand()
        claimed = await asyncio.gather(
            *(self._send_due(channel, batch or self.batch, user_id) for channel in self.outboxes)
        )
        return sum(claimed)

    async def run(self, stop: asyncio.Event, idle: float = 1.0) -> None:
        """Keep sending until ``stop`` is set; when nothing is due, waits ``idle`` seconds or
        until woken.

        Each channel has lanes of its own, claiming only its rows: one channel's backlog, pace
        or 429 hold never delays another's pushes.
        """
        lanes = [
            self._lane(channel, stop, idle) for channel in self.outboxes for _ in range(self.lanes)
        ]
        if not lanes:
            # Nothing to send through here (`hayna dispatch`: terminal pushes print in each
            # resident's own chat): due announcements still become deliveries on time.
            lanes = [self._lane(None, stop, idle)]
        guard, lanes_done = None, asyncio.Event()
        if self.lock is None:
            self.sending.update(self.outboxes)
        else:
            self._guarded = True
            guard = asyncio.ensure_future(self._guard(self.lock, lanes_done))
        try:
            await asyncio.gather(*lanes)
        finally:
            # The lanes have sent their last batch: only now may another process take over.
            lanes_done.set()
            if guard is not None:
                await guard
            self._guarded = False
            self.sending.difference_update(self.outboxes)

    async def _guard(self, lock: SenderLock, lanes_done: asyncio.Event) -> None:
        """Take the channels no process sends, and let go of those whose lock was lost, until
        the lanes are done; then release every lock."""
        try:
            while not lanes_done.is_set():
                for channel in self.outboxes:
                    await self._keep(lock, channel)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(lanes_done.wait(), GUARD_SECONDS)
        finally:
            self.sending.difference_update(self.outboxes)
            await lock.close()

    async def _keep(self, lock: SenderLock, channel: str) -> None:
        try:
            if channel in self.sending:
                if not await lock.still_holds(channel):
                    self.sending.discard(channel)
                    log.warning("this process no longer sends the %s pushes", channel)
                return
            if await lock.take(channel):
                # An earlier holder whose lock went with its connection, yet is alive, stops
                # sending at its next check: its claims come due once it surely has.
                now = self.clock()
                taken = await self.queue.release_claims(channel, now, now + TAKEOVER_GRACE)
                self.sending.add(channel)
                log.warning(
                    "this process now sends the %s pushes (%d claims taken over)", channel, taken
                )
                self.wake.set()
        except Exception:
            log.exception("the %s sender's lock could not be checked; trying again", channel)

    async def _lane(self, channel: str | None, stop: asyncio.Event, idle: float) -> None:
        while not stop.is_set():
            if channel is not None and channel not in self.sending:
                # Another process sends this channel: wait to be woken when this one takes it.
                await self._pause(stop, idle)
                continue
            try:
                await self._expand()
                sent = 0 if channel is None else await self._send_due(channel, self.batch)
            except Exception:
                log.exception("dispatcher batch on %s failed; trying again", channel)
                sent = 0
            if not sent:
                await self._pause(stop, idle)

    async def _expand(self) -> None:
        if self.expand is not None and await self.expand(self.clock()):
            # Rows just queued may be for other channels, whose lanes may be waiting.
            self.wake.set()

    async def _send_due(self, channel: str, batch: int, user_id: str | None = None) -> int:
        """Claim a batch of one channel's due deliveries, send them, record what became of
        them; returns how many were claimed.

        Outcomes are recorded a group at a time, each group in one transaction: a crash re-sends,
        once its lease runs out, at most what was sent and not yet recorded.
        """
        due = await self.queue.claim(self.clock(), channel, batch, user_id)
        photos = await self._photos(due)
        if self.concurrency <= 1:
            for delivery in due:
                outcome = await self._attempt(delivery, photos)
                await self.queue.record([outcome] if outcome else [])
            return len(due)
        return await self._send_side_by_side(due, photos)

    async def _send_side_by_side(self, due: list[Due], photos: Mapping[int, Attachment]) -> int:
        """Send ``due`` `concurrency` at a time, recording outcomes as they come.

        With `record_every` (several processes), a send keeps its slot until its outcome is
        recorded: at any moment at most `concurrency` rows are sent and unrecorded, the most
        that a process taking over from this one, killed, could send a second time.
        """
        slots = asyncio.Semaphore(self.concurrency)
        held = self.record_every is not None

        async def attempt(delivery: Due) -> DeliveryOutcome | None:
            await slots.acquire()
            try:
                return await self._attempt(delivery, photos)
            finally:
                if not held:
                    slots.release()

        # Record every tenth of a batch or so: few commits, and little to send again after a crash.
        # Slots held until recorded: never wait for more outcomes than there are slots.
        every = (
            min(self.record_every, self.concurrency)
            if self.record_every
            else max(self.concurrency, len(due) // 10)
        )
        # Tasks made here, in the claim's order, take the slots in that order: the most urgent
        # is sent first. A claim holds at most one push per resident (storage/deliveries.py), so
        # sends side by side never reorder one resident's notices.
        waiting = {asyncio.create_task(attempt(delivery)) for delivery in due}
        try:
            await self._record_as_they_come(waiting, slots, every, held)
        finally:
            # A record that failed leaves the rest of the batch to its lease, sent or not.
            for left in waiting:
                left.cancel()
        return len(due)

    async def _record_as_they_come(
        self,
        waiting: set[asyncio.Task[DeliveryOutcome | None]],
        slots: asyncio.Semaphore,
        every: int,
        held: bool,
    ) -> None:
        """Record the sends' outcomes as they finish, `every` at a time; with ``held``, give
        their slots back once recorded. Empties ``waiting``."""
        done: list[DeliveryOutcome] = []
        unreleased = 0
        while waiting:
            finished, _ = await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
            waiting.difference_update(finished)
            # Every send finished while the last outcomes were being recorded goes in the next
            # commit: however slow the database, few are sent and unrecorded at once.
            outcomes = [o for o in (f.result() for f in finished) if o is not None]
            done.extend(outcomes)
            unreleased += len(finished)
            # A platform that will call back about the message (Twilio's status callbacks)
            # needs its id on the row before its first callback: recorded at once.
            if len(done) >= every or any(o.provider_ref for o in outcomes):
                await self.queue.record(done)
                done = []
            if held and not done:
                # Nothing of theirs is left unrecorded: their slots go to the next sends.
                for _ in range(unreleased):
                    slots.release()
                unreleased = 0
        await self.queue.record(done)

    async def _pause(self, stop: asyncio.Event, idle: float) -> None:
        waits = {asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self.wake.wait())}
        try:
            await asyncio.wait(waits, timeout=idle, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiting in waits:
                waiting.cancel()
            self.wake.clear()

    async def _photos(self, due: list[Due]) -> Mapping[int, Attachment]:
        """The photos the batch carries, one query for all: an update to 10,000 residents
        stores its photo once and reads it once per batch, never once per row."""
        wanted = {d.media_id for d in due if d.media_id is not None}
        if not wanted or self.photos is None:
            return {}
        return await self.photos(wanted)

    async def _attempt(
        self, delivery: Due, photos: Mapping[int, Attachment]
    ) -> DeliveryOutcome | None:
        """Send one delivery; what became of it, or None when it was left for later."""
        if not delivery.pushes_enabled:
            return DeliveryOutcome(
                delivery, DeliveryStatus.OPTED_OUT, self.clock(), "the resident said stop"
            )
        if not delivery.reachable:
            return DeliveryOutcome(
                delivery, DeliveryStatus.UNREACHABLE, self.clock(), "the resident is unreachable"
            )
        if self.clock() >= delivery.lease_until - self.margin:
            # A slow batch: the row is about to come due for others; sending now could double it.
            return None
        outbox = self.outboxes[delivery.channel]
        locale = delivery.language or DEFAULT
        address = Address(delivery.channel, delivery.user_id)
        try:
            body = from_json(delivery.body).render(self.translator(locale))
        except Exception as error:
            # Retrying cannot mend a body that does not render: record it and move on.
            log.exception("delivery %s cannot be rendered", delivery.id)
            return DeliveryOutcome(
                delivery, DeliveryStatus.FAILED, self.clock(), f"unrenderable: {error!r}"
            )
        # A photo deleted since the update was planned leaves the text to go alone.
        photo = photos.get(delivery.media_id) if delivery.media_id is not None else None
        message = Outgoing(body, locale=locale, attachment=photo)
        lease_ends = delivery.lease_until - self.margin

        def in_time() -> bool:
            # A process that lost the channel's lock sends nothing more: another one does.
            return self._holds(delivery.channel) and self.clock() < lease_ends

        push = Push(address, message, delivery.last_inbound_at, in_time)
        try:
            ref = await outbox.send(push)
        except Unreachable as error:
            return DeliveryOutcome(delivery, DeliveryStatus.UNREACHABLE, self.clock(), str(error))
        except TransientFailure as error:
            return self._transient(delivery, error)
        except Rejected as error:
            log.warning("delivery %s refused by the platform: %s", delivery.id, error)
            return DeliveryOutcome(delivery, DeliveryStatus.FAILED, self.clock(), str(error))
        except Exception as error:
            log.exception("delivery %s failed", delivery.id)
            return self._retry(delivery, f"{type(error).__name__}: {error}", None)
        return DeliveryOutcome(delivery, DeliveryStatus.SENT, self.clock(), provider_ref=ref)

    def _holds(self, channel: str) -> bool:
        """Whether this process may send ``channel`` now."""
        return not self._guarded or channel in self.sending

    def _transient(self, delivery: Due, error: TransientFailure) -> DeliveryOutcome | None:
        if not self._holds(delivery.channel):
            # The lock went while waiting to send: the row is the next holder's, as claimed.
            return None
        return self._retry(delivery, str(error), error.retry_after)

    def _retry(self, delivery: Due, error: str, retry_after: float | None) -> DeliveryOutcome:
        if delivery.attempts >= MAX_ATTEMPTS:
            return DeliveryOutcome(delivery, DeliveryStatus.FAILED, self.clock(), error)
        at = self.clock() + timedelta(seconds=retry_after) if retry_after else self._later(delivery)
        return DeliveryOutcome(delivery, DeliveryStatus.PENDING, at, error)

    def _later(self, delivery: Due) -> datetime:
        delay: timedelta = min(BASE_DELAY * 2 ** max(delivery.attempts - 1, 0), MAX_DELAY)
        return self.clock() + delay
