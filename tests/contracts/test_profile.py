"""The contract of `Profile`: a resident's settings, seen at once and by the next message."""

from __future__ import annotations

from conversations.personal import CONSENTS, MyConsent
from conversations.seams import ConversationStore
from tests.support.contracts import BEN_MSICK, acting, message


async def test_a_new_resident_has_no_settings_but_notifications(store: ConversationStore) -> None:
    async with message(store, "amina") as unit:
        resident = unit.resident
    assert (resident.language, resident.consent_version, resident.commune_code) == (None,) * 3
    assert resident.pushes_enabled and not resident.onboarded


async def test_settings_are_seen_at_once_and_kept(store: ConversationStore) -> None:
    async with message(store, "amina") as unit:
        await unit.services.profile.set_language("fr")
        await unit.services.profile.give_consent("v1")
        await unit.services.profile.set_commune(BEN_MSICK)
        await unit.services.profile.set_pushes(False)
        # The next side effect of the same message already sees them.
        seen = unit.resident
    async with message(store, "amina") as unit:
        kept = unit.resident
    for resident in (seen, kept):
        assert (resident.language, resident.consent_version) == ("fr", "v1")
        assert resident.commune_code == BEN_MSICK and not resident.pushes_enabled
        assert resident.onboarded
    async with message(store, "karim") as unit:
        assert unit.resident.language is None, "another resident's settings are their own"


async def test_every_consent_is_a_line_of_the_ledger(store: ConversationStore) -> None:
    async with acting(store, "amina") as services:
        await services.profile.give_consent("v1")
        await services.profile.agree_to_signing("s1")
        await services.profile.give_consent("v2")
    async with acting(store, "amina") as services:
        ledger = (await services.rights.my_data()).rows(CONSENTS, MyConsent)
    assert [(c.kind, c.version, c.channel) for c in ledger] == [
        ("privacy", "v1", "console"),
        ("petition_signing", "s1", "console"),
        ("privacy", "v2", "console"),
    ]
