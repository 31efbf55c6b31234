"""Meetings as the tests plan them: the admin, the youth group joined in the chat, a meeting
published for it, and a dispatcher that expands what is due before sending."""

from __future__ import annotations

import itertools
from datetime import timedelta

from bot.dispatcher import Dispatcher
from bot.i18n import translator
from conversations.engine import Engine
from conversations.groups import GroupKind, MeetingDraft
from conversations.kit import Address
from storage.announcements import expand_due
from storage.database import Database
from storage.deliveries import DeliveryQueue
from storage.services import SqlServices
from tests.resident import FakeResident
from tests.support.clock import Clock
from tests.support.deliveries import RecordingOutbox

ADMIN = Address("console", "admin")
_ids = itertools.count(1)


def dispatcher(db: Database, outbox: RecordingOutbox, clock: Clock) -> Dispatcher:
    queue = DeliveryQueue(db)
    return Dispatcher(
        queue, {"console": outbox}, translator, clock, expand=lambda now: expand_due(db, now)
    )


async def as_resident(engine: Engine, user: str, act):
    """Run ``act(services)`` in one transaction as ``user``, as a message would."""
    async with engine.store.unit(Address("console", user)) as unit:  # type: ignore[attr-defined]
        await unit.open(f"direct-{next(_ids)}")
        return await act(unit.services)


async def join_youth(resident: FakeResident) -> None:
    await resident.say("menu")
    await resident.tap("meetings")
    await resident.tap("groups")
    # The built-in groups come first, youth leading.
    await resident.tap(resident.option_ids[0])


async def youth_meeting(engine: Engine, clock: Clock, commune: str) -> int:
    """The admin drafts and publishes a meeting for the youth group, five days ahead."""

    async def publish(services: SqlServices) -> int:
        youth = next(g for g in await services.community.groups() if g.kind is GroupKind.YOUTH)
        draft = MeetingDraft(
            commune,
            "Forum des jeunes",
            clock() + timedelta(days=5),
            "Maison des jeunes, Hay Ben M'Sick",
            "Plan d'action communal; espaces sportifs",
            (youth.id,),
            33.557,
            -7.585,
        )
        meeting_id = await services.organizing.create_meeting(draft)
        assert meeting_id is not None
        assert await services.organizing.publish_meeting(meeting_id)
        return meeting_id

    return await as_resident(engine, ADMIN.user, publish)


async def drain(sender: Dispatcher) -> None:
    while await sender.run_once():
        pass
