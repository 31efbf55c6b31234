"""Wiring: every object of a running Hayna is built here and nowhere else."""

from __future__ import annotations

import hmac
import logging
import sys
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial

from bot.channels import CHANNELS
from bot.command_line import CommandRefused
from bot.dispatcher import Dispatcher
from bot.i18n import translator
from bot.logs import configure_logging
from bot.media import MediaLinks, WaitingPhotos
from bot.natural_dates import NaturalDates
from bot.prompt_fetch import WaitingPrompts
from bot.prompt_links import PromptLinks
from bot.scheduler import Wakeups
from bot.settings import Settings, SettingsError
from bot.voices import KeptVoices
from conversations import flows
from conversations.association import DEFAULT_CHECKLIST, Checklist
from conversations.engine import Engine
from conversations.flood import Flood, Limit
from conversations.flow import Flows
from conversations.kit import Address
from conversations.seams import MediaFetcher, Outbox, VoiceKeeper
from handlers.metrics import Metrics
from storage.announcements import expand_due
from storage.database import UNUSABLE, Database
from storage.database_key import claim_fingerprint, recorded_fingerprint
from storage.deliveries import DeliveryQueue
from storage.flood_buckets import FloodBuckets
from storage.gazetteer import Gazetteer
from storage.prompts import SqlVoices
from storage.sender_lock import SenderLock
from storage.store import SqlStore
from storage.vault import Vault, fingerprint

log = logging.getLogger(__name__)

# Sends in flight at once, and rows claimed per batch: each outbox keeps its platform's pace,
# so these only keep it busy (a batch is about a second of WhatsApp's 80 messages/s).
SENDS_IN_FLIGHT = 16
BATCH = 100


class NotUpgraded(Exception):
    """A server database behind the code's schema: `hayna db upgrade` first."""


class OtherKey(Exception):
    """The database was first used with another secret key: this process writes nothing."""


@dataclass
class App:
    settings: Settings
    db: Database
    engine: Engine
    dispatcher: Dispatcher
    gazetteer: Gazetteer = field(default_factory=Gazetteer.load)
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    # What /metrics serves; the channels count into the same one.
    metrics: Metrics = field(default_factory=Metrics)
    # APScheduler's wake-ups for the dispatcher, rebuilt from the announcement table at start.
    wakeups: Wakeups = field(init=False)
    # The keys of HAYNA_SECRET_KEY, for the chores that open sealed CINs.
    vault: Vault = field(init=False)

    def __post_init__(self) -> None:
        self.wakeups = Wakeups(self.db, self.dispatcher.wake)
        self.vault = Vault(self.settings.secret_key)

    async def close(self) -> None:
        self.wakeups.stop()
        await self.db.close()


async def open_database(settings: Settings, upgrade: bool) -> Database:
    """Connect, check the key, and upgrade the schema or check it is current; one clear line
    when any of it fails.

    The key is compared before any migration, so a process with another key writes nothing;
    a database without a fingerprint yet (new, or from before fingerprints) records this one.
    """
    db = Database(settings.database_url)
    mine = fingerprint(settings.secret_key)
    try:
        _same_key(settings, mine, await recorded_fingerprint(db))
        if upgrade:
            await db.upgrade()
        elif not await db.is_current():
            raise NotUpgraded("DATABASE_URL: the schema is not up to date; run `hayna db upgrade`")
        _same_key(settings, mine, await claim_fingerprint(db, mine, datetime.now(UTC)))
    except UNUSABLE as error:
        await db.close()
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise SettingsError("DATABASE_URL", f"cannot use the database ({reason})") from None
    except (NotUpgraded, OtherKey):
        await db.close()
        raise
    return db


def _same_key(settings: Settings, mine: str, recorded: str | None) -> None:
    if recorded is None or hmac.compare_digest(recorded, mine):
        return
    given = "set" if settings.key_file is None else f"in {settings.key_file}"
    raise OtherKey(
        f"this database was created with another HAYNA_SECRET_KEY than the one {given}; "
        "set HAYNA_SECRET_KEY to the key it was first used with (under another key the same "
        "CIN could sign twice and sealed CINs cannot be read); nothing was written"
    )


async def on_database(settings: Settings, act: Callable[[Database], Awaitable[None]]) -> int:
    """One organizer command: open the database (upgrading an embedded one, as `create_app`
    does; a server one must already be current), act, close; 0 when done, 2 when refused,
    the refusal in one line after "hayna: "."""
    db = await open_database(settings, upgrade=settings.database_url.sqlite)
    try:
        await act(db)
    except CommandRefused as error:
        print(f"hayna: {error}", file=sys.stderr)
        return 2
    finally:
        await db.close()
    return 0


def build_engine(
    db: Database,
    gazetteer: Gazetteer,
    vault: Vault,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    organizers: frozenset[Address] = frozenset(),
    flood: Flood | None = None,
    dashboard: str = "",
    checklist: Checklist = DEFAULT_CHECKLIST,
    prompt_links: Callable[[int, str], str] | None = None,
    keeper: VoiceKeeper | None = None,
) -> Engine:
    """The engine with every flow, over the SQL store; ``dashboard`` is the address the
    organizers' sign-in links start with, ``checklist`` the one association petitions get,
    ``prompt_links`` the public link of a recorded voice prompt (bot/prompt_links.py),
    ``keeper`` what keeps residents' voice notes as they arrive."""
    store = SqlStore(db, gazetteer, vault, clock, organizers, dashboard, checklist)
    voices = SqlVoices(db, prompt_links)
    return Engine(store, every_flow(), translator, clock, flood, CHANNELS, voices, keeper)


def every_flow() -> Flows:
    """Every flow of the chat by name, reading days and times in words (dateparser)."""
    return flows.every_flow(NaturalDates())


async def create_app(
    settings: Settings,
    outboxes: Mapping[str, Outbox],
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    fetchers: Mapping[str, MediaFetcher] | None = None,
    metrics: Metrics | None = None,
) -> App:
    """Open the database (upgrading an embedded one), build the engine and the dispatcher;
    ``fetchers`` get the photos organizers send and the voice notes residents send in the chat
    from their channels; ``metrics`` are the ones the channels count into."""
    configure_logging(settings.log_level, settings.log_file)
    db = await open_database(settings, upgrade=settings.database_url.sqlite)
    vault = Vault(settings.secret_key)
    gazetteer = Gazetteer.load()
    engine = build_engine(
        db,
        gazetteer,
        vault,
        clock,
        settings.admins,
        _flood(settings, db, vault),
        settings.dashboard_url,
        settings.petition_terms.checklist,
        PromptLinks(db, settings.secret_key, settings.public_base_url).url,
        KeptVoices(db, fetchers or {}, clock),
    )
    dispatcher = Dispatcher(
        DeliveryQueue(db),
        outboxes,
        translator,
        clock,
        expand=partial(
            _expand, db, WaitingPhotos(db, fetchers or {}), WaitingPrompts(db, fetchers or {})
        ),
        concurrency=SENDS_IN_FLIGHT,
        batch=BATCH,
        photos=MediaLinks(db, settings.secret_key, settings.public_base_url).photos,
        # On a server database one process sends each channel's pushes, chosen by a lock held
        # there; an SQLite file has one process, which sends them all.
        lock=None if db.sqlite else SenderLock(db),
        # On a server database, each outcome as it comes: a process that takes a channel over
        # from one that died sends again only what was in flight at that moment.
        record_every=None if db.sqlite else 1,
    )
    return App(settings, db, engine, dispatcher, gazetteer, clock, metrics or Metrics())


def _flood(settings: Settings, db: Database, vault: Vault) -> Flood:
    """Flood control as the settings say. The terminal is the operator's own (scripts replay
    many lines at once); organizers are trusted. Several processes on PostgreSQL share each
    writer's bucket; an SQLite file has one process."""
    limit = Limit(settings.flood_per_minute, settings.flood_burst)
    exempt = frozenset(c.name for c in CHANNELS.every if not c.limited)
    shared = None if db.sqlite else FloodBuckets(db, vault)
    return Flood(limit, exempt=exempt, trusted=settings.admins, shared=shared)


async def _expand(
    db: Database, photos: WaitingPhotos, voices: WaitingPrompts, now: datetime
) -> int:
    """Fetch the photos updates wait for and the voice prompts sent in the chat, then expand
    what is due."""
    try:
        await photos.fetch(now)
    except Exception:
        # An update waiting for its photo stays planned; every other one still goes.
        log.exception("photos of updates could not be fetched; trying again")
    try:
        await voices.fetch(now)
    except Exception:
        log.exception("voice prompts could not be fetched; trying again")
    return await expand_due(db, now)
