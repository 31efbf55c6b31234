"""Hourly chores of a long-running process: forget old message ids, abandoned answers, unused
voice notes, expired download links and dashboard sign-ins, close petitions past their deadline,
fold petitions' tallies into their count and cross a threshold reached without its check, hash again
signatures whose CIN hash was computed an older way (at start, the first round does it), and
keep the council's answer clock (remind organizers, tell signers when the delay ends),
close residents' questions answered a week ago and not replied to, and flag overdue
commitments to their commune's organizers once a week."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime

from storage.answer_clock import keep_answer_clock
from storage.consultations import keep_consultations_time
from storage.database import Database
from storage.downloads import forget_expired_downloads
from storage.fixed_checks import ask_if_fixed
from storage.flood_buckets import forget_idle_buckets
from storage.inbox import forget_old_messages
from storage.overdue import flag_overdue
from storage.petitions import close_expired_petitions, cross_reached_thresholds
from storage.questions import close_quiet_questions
from storage.retention import forget_abandoned_answers, forget_unused_voices
from storage.sign_in import forget_stale_sign_ins
from storage.signature_keys import rekey_signatures
from storage.tally import fold_tallies
from storage.vault import Vault

EVERY_SECONDS = 3600

log = logging.getLogger(__name__)


async def keep_house(db: Database, vault: Vault, stop: asyncio.Event) -> None:
    """Run the chores now and then every hour, until ``stop`` is set."""
    while not stop.is_set():
        try:
            await chores(db, vault, datetime.now(UTC))
        except Exception:
            # A busy database this hour must not end the chores for good: expired links hold
            # personal data, and petitions must still close on their day.
            log.exception("housekeeping failed; trying again in an hour")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), EVERY_SECONDS)


async def chores(db: Database, vault: Vault, now: datetime) -> None:
    """One round of the chores, as of ``now``."""
    # First: a signature of an older hash could let its card sign a petition twice.
    await rekey_signatures(db, vault, now)
    await forget_old_messages(db, now)
    await forget_abandoned_answers(db, now)
    await forget_unused_voices(db, now)
    # Before closing: a petition that reached its threshold by its last day is not closed.
    await cross_reached_thresholds(db, now)
    await close_expired_petitions(db, now)
    await keep_answer_clock(db, now)
    # Consultations open and close on time (their pushes are announcements, already planned).
    await keep_consultations_time(db, now)
    await ask_if_fixed(db, now)
    await close_quiet_questions(db, now)
    await flag_overdue(db, now)
    await fold_tallies(db)
    await forget_expired_downloads(db, now)
    await forget_stale_sign_ins(db, now)
    await forget_idle_buckets(db, now)
