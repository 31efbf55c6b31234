"""The contract of `Places`: communes by code, by name and under a pin."""

from __future__ import annotations

from conversations.kit import Location
from conversations.seams import ConversationStore
from tests.support.contracts import BEN_MSICK, PIN, acting

AT_SEA = Location(33.0, -20.0)


async def test_a_commune_by_its_code(store: ConversationStore) -> None:
    async with acting(store, "amina") as services:
        place = await services.places.commune(BEN_MSICK)
        unknown = await services.places.commune("999.99.99")
    assert place is not None and (place.name_fr, place.province_fr) == ("Ben M'Sick", "Casablanca")
    assert place.kind == "arrondissement" and place.name_ar == "ابن امسيك"
    assert unknown is None


async def test_communes_by_name(store: ConversationStore) -> None:
    async with acting(store, "amina") as services:
        agadir = await services.places.find_communes("Agadir", 3)
        arabic = await services.places.find_communes("انزكان", 3)
        nothing = await services.places.find_communes("", 3)
        none_wanted = await services.places.find_communes("Agadir", 0)
    assert agadir[0].code == "001.01.01" and 1 <= len(agadir) <= 3
    assert arabic[0].name_fr == "Inezgane"
    assert nothing == [] and none_wanted == []


async def test_the_commune_under_a_pin(store: ConversationStore) -> None:
    async with acting(store, "amina") as services:
        under = await services.places.commune_at(Location(*PIN))
        near = await services.places.communes_near(Location(*PIN))
        sea = await services.places.commune_at(AT_SEA)
        sea_near = await services.places.communes_near(AT_SEA)
    assert under is not None and under.code == BEN_MSICK
    assert near[0] == under, "the commune under the pin comes first"
    assert sea is None and sea_near == []
