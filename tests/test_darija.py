"""Darija understood: every message of tests/data/darija.tsv read through the engine's own
matching (options by number or label, global words, yes and no, requests at the menu), in the
engine's order, and a few dialogs showing the same through the real engine."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from sqlalchemy import select

from bot.i18n import translator
from conversations.asked import resolve_option
from conversations.assent import NO, YES, answer
from conversations.engine import Engine
from conversations.folding import fold, loose, to_ascii_digits
from conversations.intents import request
from conversations.kit import Address, Choice, Inbound, Option
from conversations.menu import HOME, ITEMS
from conversations.phrases import NOT_AN_OPTION
from conversations.report_need import (
    ASK_CATEGORY,
    ASK_DESCRIPTION,
    ASK_PLACE,
    CANCEL,
    CHANGE,
    CONFIRM,
    SKIP,
)
from conversations.words import _SPELLINGS, Word, global_word, plain
from storage.database import Database
from storage.models import REPORT
from tests.resident import FakeResident
from tests.support.residents import PIN, onboard
from tests.support.tables import rows

CORPUS = Path(__file__).parent / "data" / "darija.tsv"
SUMMARY = (CONFIRM, CHANGE, CANCEL)
# The options each place of the corpus offers; "free" offers none.
OFFERED: dict[str, tuple[Option, ...]] = {
    "free": (),
    "home": HOME.options,
    "category": ASK_CATEGORY.options,
    "confirm": SUMMARY,
    "photos": (SKIP,),
}
MENU_IDS = [item.id for item in ITEMS]


def corpus() -> list[tuple[str, str, str]]:
    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    found = [tuple(line.split("\t")) for line in lines if line.strip() and line[0] != "#"]
    assert all(len(line) == 3 for line in found), [line for line in found if len(line) != 3]
    return found  # type: ignore[return-value]


def meaning(where: str, text: str) -> str:
    """What ``text`` means typed at ``where``, read as `Engine._step` reads it: an offered
    option first, then a global word, then the question's own reading (yes or no at the
    summary, a request at the home menu)."""
    place, _, locale = where.partition(".")
    tr = translator(locale or "ar")
    options = OFFERED[place]
    shown = [Choice(option.id, option.label.render(tr)) for option in options]
    msg = resolve_option(Inbound(Address("console", "amina"), "m1", text=text), shown)
    word = global_word(msg.text) if msg.option is None else None
    if word is not None:
        return f"word:{word}"
    if place == "confirm":
        said = answer(msg, SUMMARY, CONFIRM, CHANGE)
        return {None: "none", CONFIRM: "yes", CHANGE: "no"}.get(said, f"option:{msg.option}")
    if msg.option is not None:
        return f"option:{msg.option}"
    wanted = request(text) if place == "home" else None
    if wanted is None:
        return "none"
    return ":".join(("request", wanted.intent, *([wanted.category] if wanted.category else [])))


def test_every_message_of_the_corpus_is_understood() -> None:
    lines = corpus()
    missed = [
        f"{where}\t{text!r}: {got}, expected {expected}"
        for where, expected, text in lines
        if (got := meaning(where, text)) != expected
    ]
    understood = len(lines) - len(missed)
    print(f"{understood}/{len(lines)} understood")  # the figure docs/developers/testing.md quotes
    assert not missed, f"{understood}/{len(lines)} understood; missed:\n" + "\n".join(missed)


def test_the_corpus_is_large_and_can_fail() -> None:
    lines = corpus()
    assert len(lines) >= 150 and len({text for _, _, text in lines}) >= 150
    kinds = Counter(expected.partition(":")[0] for _, expected, _ in lines)
    # Over-eager matching fails it: a fair share must be understood as nothing.
    assert kinds["none"] >= 30, kinds
    assert {"word", "option", "yes", "no", "request"} <= set(kinds), kinds
    words = {expected for _, expected, _ in lines if expected.startswith("word:")}
    assert words >= {f"word:{word}" for word in Word if word is not Word.DASHBOARD}, words
    texts = " ".join(text for _, _, text in lines)
    for arabizi in ("3", "7", "9", "2", "5"):
        assert any(arabizi in t and t.isascii() and not t.isdigit() for t in texts.split())


def test_no_spelling_means_two_things() -> None:
    seen: dict[str, Word] = {}
    for word, spellings in _SPELLINGS.items():
        for spelling in spellings:
            said = plain(spelling)
            assert seen.setdefault(said, word) is word, (spelling, seen[said], word)
    assert not {plain(w) for w in YES} & {plain(w) for w in NO}


def test_spellings_fold_to_one() -> None:
    assert to_ascii_digits("٣۳３𝟑3") == "33333" and to_ascii_digits("²①") == "²①"
    assert fold("3️⃣") == "3" and fold("القائمــــة") == fold("القائمة")
    assert [loose(w) for w in ("salaaam", "3afak", "ra9m", "7bes", "wa5a", "واخاااا")] == [
        "salam",
        "afak",
        "raqm",
        "hbes",
        "wakha",
        "واخا",
    ]
    assert loose("3") == "3" and loose("12") == "12", "a number stays a number"


async def test_lmenu_opens_the_menu_and_keeps_the_report(engine: Engine) -> None:
    amina = FakeResident(engine, "amina")
    await onboard(amina, "ar")
    await amina.tap("report")
    await amina.tap("water")
    await amina.say("lmenuuu 3afak")
    assert amina.option_ids == [*MENU_IDS, "hayna.continue", "hayna.restart"]


async def test_3afak_bghit_nchki_starts_a_report_and_a_number_in_any_script_picks(
    engine: Engine,
) -> None:
    amina = FakeResident(engine, "amina")
    await onboard(amina, "ar")
    await amina.say("3afak bghit nchki")
    assert amina.last[-1].text == ASK_CATEGORY.text.render(translator("ar"))
    await amina.say("2️⃣")  # public lighting
    assert amina.last[-1].text == ASK_PLACE.text.render(translator("ar"))
    await amina.say("lmenu")
    await amina.say("٣")  # the third item: meetings and groups
    assert "groups" in amina.option_ids and NOT_AN_OPTION.msgid not in amina.text


async def test_wakha_confirms_and_salam_asks_the_question_again(
    engine: Engine, sqlite_db: Database
) -> None:
    amina = FakeResident(engine, "amina")
    await onboard(amina, "ar")
    await amina.say("salam")  # at the menu: the menu, not "I did not understand"
    assert amina.texts == [HOME.text.render(translator("ar"))]
    await amina.say("بغيت نشكي")
    await amina.say("wa7ed")  # roads
    await amina.share_location(*PIN)
    await amina.say("Salaaam")  # the description is asked again, not taken
    assert amina.texts == [ASK_DESCRIPTION.text.render(translator("ar"))]
    await amina.say("kayna 7fra kbira 9eddam lmdrasa")
    await amina.say("safi")  # no photo
    assert amina.option_ids == ["confirm", "change", "cancel"]
    await amina.say("Wakhaaa")
    (report,) = await rows(sqlite_db, REPORT)
    assert report["description"] == "kayna 7fra kbira 9eddam lmdrasa"
    assert report["ref"] in amina.text


async def test_la_inside_a_description_is_the_description(
    engine: Engine, sqlite_db: Database
) -> None:
    amina = FakeResident(engine, "amina")
    await onboard(amina, "fr")
    await amina.tap("report")
    await amina.tap("lighting")
    await amina.share_location(*PIN)
    await amina.say("la lumière ne marche pas, stop au noir")
    await amina.tap("skip")
    assert "la lumière ne marche pas, stop au noir" in amina.text, "the summary shows it"
    await amina.say("la")  # "Is everything right?" No: what to change
    assert amina.option_ids == ["category", "place", "description", "photos"]
    async with sqlite_db.transaction() as tx:
        found = await tx.run(lambda c: c.execute(select(REPORT)).all())
    assert found == [], "nothing filed on a no"
