"""Petitions for residents: read those open in their commune, co-sign once, withdraw, follow.

Signing asks for consent first (a signature may reveal a political opinion, law 09-08), then
the name as on the CIN, the CIN, residence or interest in the commune and age, and a summary.
The CIN is sealed as soon as it is typed: it never rests in the conversation state in clear.
An association's petition is not signed but supported: one confirmation, no name nor CIN.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from typing import assert_never

from conversations.answer_clock import AWAITING
from conversations.assent import answer
from conversations.cin import masked, parse_cin
from conversations.context import Context
from conversations.flow import Flow
from conversations.flow_names import FlowName
from conversations.kit import MOROCCO, Inbound, Option, Reply, Turn, pick
from conversations.paging import offer, turned
from conversations.petition import (
    SIGNING,
    Card,
    PetitionKind,
    SigningOutcome,
    count_of,
    life_labels,
    petition_code,
)
from conversations.petition_rules import FORMULA_STARTS
from conversations.phrases import CANCELLED, NOT_AN_OPTION
from conversations.report import CATEGORIES
from conversations.text import Renderable, _, lines, ngettext, pgettext

MAX_NAME = 100
# Bump when the signing consent below changes in substance; each agreement is in the ledger.
SIGNING_CONSENT_VERSION = "2026-12"


class Step(StrEnum):
    LIST = "list"
    CARD = "card"
    CONSENT = "consent"
    NAME = "name"
    CIN = "cin"
    ELIGIBLE = "eligible"
    CONFIRM = "confirm"
    WITHDRAW = "withdraw"
    THEME = "theme"
    SUPPORT = "support"


@dataclass(frozen=True, slots=True)
class Answers:
    code: str = ""
    # The petitions of the page of the list shown, and that page, kept while one is open.
    codes: tuple[str, ...] = ()
    page: int = 0
    # The theme the list is narrowed to ("" for all of them).
    theme: str = ""
    name: str = ""
    sealed_cin: str = ""
    masked_cin: str = ""


BACK = Option("back", pgettext("petitions", "Back"))
READ = Option("read", pgettext("petitions", "Read the full text"))
SIGN = Option("sign", pgettext("petitions", "Sign"))
WITHDRAW = Option("withdraw", pgettext("petitions", "Withdraw my signature"))
AGREE = Option("agree", pgettext("petitions", "I agree"))
YES = Option("yes", pgettext("petitions", "Yes, both are true"))
NO = Option("no", pgettext("petitions", "No"))
CONFIRM = Option("confirm", pgettext("petitions", "Sign the petition"))
CANCEL = Option("cancel", pgettext("petitions", "Cancel"))
NEW = Option("new_petition", pgettext("petitions", "New petition (organizers)"))
BY_THEME = Option("by_theme", pgettext("petitions", "By theme"))
SUPPORT = Option("support", pgettext("petitions", "Support it"))
WITHDRAW_SUPPORT = Option("withdraw", pgettext("petitions", "Withdraw my support"))
NOT_A_SIGNATURE = _("Support is counted and shown; it is not a legal signature.")
ALL_THEMES = Option("all_themes", pgettext("petitions", "All themes"))

CONSENT = Reply(
    _(
        "To sign, Hayna keeps your full name and your CIN number (encrypted). Who sees them: "
        "the organizers who file the petition and the commune council see your name and CIN, "
        "because the law requires the list of signatories for the filing (organic law 113.14). "
        "Other residents see only the number of signatures. Signing a petition can show an "
        "opinion; you can withdraw your signature until the petition is filed. Do you agree?"
    ),
    (AGREE, CANCEL),
)
ASK_NAME = Reply(_("Your full name, as written on your national ID card (CIN):"))
ASK_CIN = Reply(_("Your CIN number (one or two letters, then digits), for example AB123456:"))
ASK_ELIGIBLE = Reply(
    _(
        "Please confirm: you live in this commune (or have an economic, commercial or "
        "professional interest in it), and you are 18 or older."
    ),
    (YES, NO),
)


def _on_paper(n: int) -> Renderable:
    # TRANSLATORS: under "Signatures: 12/100": how many of them were collected on paper.
    return ngettext("of which {n} on paper", "of which {n} on paper", n)


def _awaiting(card: Card) -> tuple[Renderable, ...]:
    # Filed and not yet decided: the signer learns when the council's delay started.
    if card.life not in AWAITING or card.deposited_on is None:
        return ()
    return (
        _(
            "Filed with the commune on {date}; it awaits the council's answer.",
            date=card.deposited_on,
        ),
    )


def _card(card: Card, today: date) -> Reply:
    days = max((card.deadline - today).days, 0)
    association = card.kind is PetitionKind.ASSOCIATION
    text = lines(
        card.title,
        card.summary,
        *_counted(card),
        ngettext("{n} day left", "{n} days left", days),
        _("Status: {status}", status=life_labels(card.kind)[card.life]),
        *_yours(card),
        *_awaiting(card),
    )
    if card.life not in SIGNING:
        action: tuple[Option, ...] = ()
    elif association:
        action = (WITHDRAW_SUPPORT,) if card.signed_at else (SUPPORT,)
    else:
        action = (WITHDRAW,) if card.signed_at else (SIGN,)
    return Reply(text, (READ, *action, BACK))


def _counted(card: Card) -> tuple[Renderable, ...]:
    """Who files it and its count: signatures toward the threshold, or residents' support."""
    if card.kind is PetitionKind.ASSOCIATION:
        by = _("Filed by the association {name}.", name=card.association or "-")
        return (by, count_of(card), NOT_A_SIGNATURE)
    signed = _("Signatures: {bar}", bar=count_of(card))
    return (signed, *([_on_paper(card.paper)] if card.paper else []))


def _yours(card: Card) -> tuple[Renderable, ...]:
    if card.signed_at is None:
        return ()
    if card.kind is PetitionKind.ASSOCIATION:
        return (_("You supported it on {date}.", date=card.signed_at),)
    return (_("You signed on {date}.", date=card.signed_at),)


class PetitionsFlow(Flow[Step, Answers]):
    name = FlowName.PETITIONS
    steps = Step
    answers = Answers

    async def start(self, ctx: Context) -> Turn[Step, Answers]:
        return await self._list(ctx, ())

    async def open(self, ctx: Context, code: str) -> Turn[Step, Answers]:
        """Straight to one petition, as a shared link does."""
        return await self._open(ctx, code, 0)

    def underway(self, step: Step, data: Answers) -> Renderable | None:
        if step in (Step.LIST, Step.CARD):
            return None
        return _("You were signing a petition.")

    async def _open(self, ctx: Context, code: str, page: int) -> Turn[Step, Answers]:
        """One petition's card; Back returns to ``page`` of the list."""
        card = await ctx.services.petitions.petition(code)
        if card is None:
            unknown = _("There is no petition with the code {code}.", code=code)
            return await self._list(ctx, (Reply(unknown),), page)
        data = Answers(code=card.code, page=page)
        return Turn((_card(card, _today(ctx)),), Step.CARD, data)

    async def handle(
        self, ctx: Context, step: Step, data: Answers, msg: Inbound
    ) -> Turn[Step, Answers]:
        match step:
            case Step.LIST:
                return await self._on_list(ctx, data, msg)
            case Step.CARD:
                return await self._on_card(ctx, data, msg)
            case Step.CONSENT:
                return await self._on_consent(ctx, data, msg)
            case Step.NAME:
                return self._on_name(data, msg)
            case Step.CIN:
                return await self._on_cin(ctx, data, msg)
            case Step.ELIGIBLE:
                return await self._on_eligible(ctx, data, msg)
            case Step.CONFIRM:
                return await self._on_confirm(ctx, data, msg)
            case Step.WITHDRAW | Step.SUPPORT:
                return await self._on_mine(ctx, step, data, msg)
            case Step.THEME:
                return await self._on_theme(ctx, data, msg)
            case _:
                assert_never(step)

    async def _on_list(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        """A petition picked from the list or typed by its code, another page, or back."""
        if msg.option == BACK.id:
            return Turn((), None, data)
        if msg.option == NEW.id and await ctx.services.organizing.is_organizer():
            return Turn((), None, data, next_flow=FlowName.PETITION_DRAFTING)
        if (page := turned(msg)) is not None:
            return await self._list(ctx, (), page, data.theme)
        if msg.option == BY_THEME.id:
            return await self._themes(ctx, data)
        if msg.option == ALL_THEMES.id:
            return await self._list(ctx, ())
        if msg.option in data.codes:
            return await self._open(ctx, msg.option, data.page)
        code = petition_code(msg.text.strip().removeprefix("P ").removeprefix("p "))
        if code:
            return await self._open(ctx, code, data.page)
        return await self._list(ctx, (Reply(NOT_AN_OPTION),), data.page)

    async def _on_consent(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        said = answer(msg, (AGREE, CANCEL), AGREE, CANCEL)
        if said is AGREE:
            await ctx.services.profile.agree_to_signing(SIGNING_CONSENT_VERSION)
            return Turn((ASK_NAME,), Step.NAME, data)
        if said is CANCEL:
            return await self._back_to_card(ctx, data, CANCELLED)
        return Turn((Reply(NOT_AN_OPTION), CONSENT), Step.CONSENT, data)

    def _on_name(self, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        name = " ".join(msg.text.split())
        if not _good_name(name):
            bad = _(
                "Please type your full name in letters, at most 100 characters, as on your CIN."
            )
            return Turn((Reply(bad), ASK_NAME), Step.NAME, data)
        return Turn((ASK_CIN,), Step.CIN, replace(data, name=name))

    async def _on_cin(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        """The CIN, sealed at once: only its masked form stays readable."""
        cin = parse_cin(msg.text)
        if cin is None:
            bad = _("This is not a CIN number. It looks like AB123456 or A123456.")
            return Turn((Reply(bad), ASK_CIN), Step.CIN, data)
        sealed = await ctx.services.petitions.seal(cin)
        return Turn(
            (ASK_ELIGIBLE,),
            Step.ELIGIBLE,
            replace(data, sealed_cin=sealed, masked_cin=masked(cin)),
        )

    async def _on_eligible(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        said = answer(msg, (YES, NO), YES, NO)
        if said is YES:
            return Turn((self._summary(data),), Step.CONFIRM, data)
        if said is NO:
            sorry = _(
                "Only adults who live in the commune, or have an interest in it, can "
                "sign its petitions. Nothing was kept."
            )
            return await self._back_to_card(ctx, _forget(data), sorry)
        return Turn((Reply(NOT_AN_OPTION), ASK_ELIGIBLE), Step.ELIGIBLE, data)

    async def _on_confirm(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        said = answer(msg, (CONFIRM, CANCEL), CONFIRM, CANCEL)
        if said is CONFIRM:
            return await self._sign(ctx, data)
        if said is CANCEL:
            return await self._back_to_card(ctx, _forget(data), CANCELLED)
        return Turn((Reply(NOT_AN_OPTION), self._summary(data)), Step.CONFIRM, data)

    async def _on_mine(
        self, ctx: Context, step: Step, data: Answers, msg: Inbound
    ) -> Turn[Step, Answers]:
        """The confirmation of what the resident gives or takes back: a support, a withdrawal."""
        if step is Step.SUPPORT:
            return await self._on_support(ctx, data, msg)
        return await self._on_withdraw(ctx, data, msg)

    async def _on_withdraw(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        if answer(msg, (WITHDRAW, CANCEL), WITHDRAW, CANCEL) is not WITHDRAW:
            return await self._back_to_card(ctx, data, CANCELLED)
        card = await ctx.services.petitions.petition(data.code)
        supported = card is not None and card.kind is PetitionKind.ASSOCIATION
        if await ctx.services.petitions.withdraw_signature(data.code):
            done = (
                _("Your support was withdrawn.")
                if supported
                else _("Your signature was withdrawn.")
            )
        elif supported:
            done = _("This petition no longer collects support: yours stays counted.")
        else:
            done = _("This petition was filed: signatures can no longer be withdrawn.")
        return await self._back_to_card(ctx, data, done)

    async def _on_support(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        """The confirmation of a support: counted once, no name nor CIN asked."""
        said = answer(msg, (SUPPORT, CANCEL), SUPPORT, CANCEL)
        if said is CANCEL:
            return await self._back_to_card(ctx, data, CANCELLED)
        if said is not SUPPORT:
            card = await ctx.services.petitions.petition(data.code)
            return Turn((Reply(NOT_AN_OPTION), _ask_support(card)), Step.SUPPORT, data)
        supported = await ctx.services.petitions.support_petition(data.code)
        match supported.outcome:
            case SigningOutcome.SIGNED:
                done = _(
                    "Thank you: your support is counted. You will be told how the petition goes on."
                )
            case SigningOutcome.ALREADY | SigningOutcome.CIN_USED:
                done = _(
                    "You already support this petition, since {date}.",
                    date=supported.signed_at or ctx.now,
                )
            case SigningOutcome.NOT_OPEN:
                done = _("This petition no longer collects support.")
            case _:
                assert_never(supported.outcome)
        return await self._back_to_card(ctx, data, done)

    async def _on_card(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        card = await ctx.services.petitions.petition(data.code)
        if card is None or msg.option == BACK.id:
            return await self._list(ctx, (), data.page)
        if msg.option == READ.id:
            full = lines(card.title, card.body, _("Requests:"), card.requests, _speaker(card))
            return Turn((Reply(full), _card(card, _today(ctx))), Step.CARD, data)
        association = card.kind is PetitionKind.ASSOCIATION
        if card.life in SIGNING and not card.signed_at:
            if msg.option == SIGN.id and not association:
                return Turn((CONSENT,), Step.CONSENT, data)
            if msg.option == SUPPORT.id and association:
                return Turn((_ask_support(card),), Step.SUPPORT, data)
        if msg.option == WITHDRAW.id and card.signed_at:
            return Turn((_ask_withdraw(card),), Step.WITHDRAW, data)
        return Turn((Reply(NOT_AN_OPTION), _card(card, _today(ctx))), Step.CARD, data)

    def _summary(self, data: Answers) -> Reply:
        text = _(
            "You are about to sign as {name}, CIN {cin}. Confirm?",
            name=data.name,
            cin=data.masked_cin,
        )
        return Reply(text, (CONFIRM, CANCEL))

    async def _sign(self, ctx: Context, data: Answers) -> Turn[Step, Answers]:
        signing = await ctx.services.petitions.sign_petition(data.code, data.name, data.sealed_cin)
        match signing.outcome:
            case SigningOutcome.SIGNED:
                said = _(
                    "Thank you: your signature is counted. You will be told how the petition "
                    "goes on."
                )
            case SigningOutcome.ALREADY:
                said = _(
                    "You already signed this petition from this account, on {date}.",
                    date=signing.signed_at or ctx.now,
                )
            case SigningOutcome.CIN_USED:
                card = await ctx.services.petitions.petition(data.code)
                said = _(
                    "This CIN card has already signed this petition: a card can sign it only "
                    "once. If it was not you, tell the organizers of the petition or its "
                    "representative, {name}.",
                    name=card.representative if card else "-",
                )
            case SigningOutcome.NOT_OPEN:
                said = _("This petition no longer takes signatures.")
            case _:
                assert_never(signing.outcome)
        return await self._back_to_card(ctx, _forget(data), said)

    async def _back_to_card(
        self, ctx: Context, data: Answers, said: Renderable
    ) -> Turn[Step, Answers]:
        # Signed, withdrawn or given up: "back" cannot return to the name and CIN questions.
        card = await ctx.services.petitions.petition(data.code)
        if card is None:
            return replace(await self._list(ctx, (Reply(said),), data.page), settled=True)
        return Turn((Reply(said), _card(card, _today(ctx))), Step.CARD, data, settled=True)

    async def _themes(self, ctx: Context, data: Answers) -> Turn[Step, Answers]:
        """The themes of the open petitions, to narrow the list to one."""
        present = {card.category for card in await ctx.services.petitions.open_petitions()}
        themes = [option for option in CATEGORIES if option.id in present]
        ask = Reply(_("Which theme?"), (*themes, ALL_THEMES))
        return Turn((ask,), Step.THEME, data)

    async def _on_theme(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        chosen = pick(msg, CATEGORIES)
        if chosen is None:
            again = await self._themes(ctx, data)
            return replace(again, replies=(Reply(NOT_AN_OPTION), *again.replies))
        return await self._list(ctx, (), 0, chosen.id)

    async def _list(
        self, ctx: Context, before: tuple[Reply, ...], page: int = 0, theme: str = ""
    ) -> Turn[Step, Answers]:
        # The commune's open petitions are loaded whole and paged here: organizers publish them
        # one by one, so they stay few enough for memory.
        every = await ctx.services.petitions.open_petitions()
        cards = [card for card in every if not theme or card.category == theme]
        # Narrowing by theme is offered once there is more than one; widening once narrowed.
        narrow = (ALL_THEMES,) if theme else ()
        if not theme and len({card.category for card in every}) > 1:
            narrow = (BY_THEME,)
        # Organizers may start a petition from here; residents never see the option.
        new = (NEW,) if await ctx.services.organizing.is_organizer() else ()
        if not cards and every:
            # Narrowed to a theme whose petitions closed meanwhile: the others are offered.
            none = _("No open petition has this theme any more.")
            return Turn((*before, Reply(none, (ALL_THEMES, BACK))), Step.LIST, Answers())
        if not cards:
            none = _("There is no open petition in your commune at the moment.")
            if new:
                return Turn((*before, Reply(none, (*new, BACK))), Step.LIST, Answers())
            return Turn((*before, Reply(none)), None, Answers())
        options = [
            Option(card.code, lines(card.title, count_of(card), sep=" · ")) for card in cards
        ]
        ask = _("Petitions open in your commune: choose one.")
        question, shown = offer(ask, options, page, (*narrow, *new, BACK))
        codes = tuple(option.id for option in shown.items)
        kept = Answers(codes=codes, page=shown.page, theme=theme)
        return Turn((*before, question), Step.LIST, kept)


def _speaker(card: Card) -> Renderable:
    if card.kind is PetitionKind.ASSOCIATION:
        return _("Representative of the association: {name}", name=card.representative)
    return _("Representative of the petitioners: {name}", name=card.representative)


def _ask_support(card: Card | None) -> Reply:
    question = _(
        "Support “{title}”? Your support is counted and everyone sees the number; it is not a "
        "legal signature, so no name nor CIN is asked, and organizers see only the count. You "
        "can withdraw it while the petition is open.",
        title=card.title if card else "-",
    )
    return Reply(question, (SUPPORT, CANCEL))


def _ask_withdraw(card: Card) -> Reply:
    if card.kind is PetitionKind.ASSOCIATION:
        sure = _("Withdraw your support from “{title}”?", title=card.title)
        return Reply(sure, (WITHDRAW_SUPPORT, CANCEL))
    sure = _("Withdraw your signature from “{title}”?", title=card.title)
    return Reply(sure, (WITHDRAW, CANCEL))


def _today(ctx: Context) -> date:
    # Days left are counted in Moroccan days, like the deadline.
    return ctx.now.astimezone(MOROCCO).date()


def _forget(data: Answers) -> Answers:
    # Once signed or given up, the sealed CIN and the name leave the conversation state.
    return replace(data, name="", sealed_cin="", masked_cin="")


def _good_name(name: str) -> bool:
    letters = sum(ch.isalpha() for ch in name)
    return 2 <= len(name) <= MAX_NAME and letters >= 2 and not name.startswith(FORMULA_STARTS)
