"""Report a need: category, place, description or voice note, photos, similar reports, summary.

Before the summary, open reports like this one nearby are offered for support instead, so the
commune hears of one pothole once, with its number of supporters, not ten times.
"""

from __future__ import annotations

from dataclasses import replace
from typing import assert_never

from conversations.assent import answer
from conversations.context import Context
from conversations.flow import Flow
from conversations.flow_names import FlowName
from conversations.kit import PHOTO_TYPES, Inbound, Media, MediaKind, Option, Reply, Turn, pick
from conversations.phrases import CANCELLED, NOT_AN_OPTION
from conversations.report import CATEGORIES, CATEGORY_LABELS, Category
from conversations.report_answers import Answers, FileRef, Step, draft_of
from conversations.report_summary import similar_reply, summary
from conversations.text import Renderable, Text, _, ngettext, pgettext
from conversations.voice import refusal, voice_of

MAX_OTHER = 60
MAX_PLACE = 200
MAX_DESCRIPTION = 1_000
MAX_PHOTOS = 3
MAX_PHOTO_BYTES = 10 * 1024 * 1024

ASK_CATEGORY = Reply(_("What do you want to report?"), CATEGORIES)
ASK_OTHER = Reply(_("In a few words, what kind of need is it? (at most 60 characters)"))
ASK_PLACE = Reply(
    _(
        "Where is it? Share the location, type the neighbourhood or street, or say it in a "
        "voice note."
    ),
    ask_location=True,
)
ASK_DESCRIPTION = Reply(
    _("Describe the need in a few sentences (at most 1,000 characters), or send a voice note.")
)
ASK_PHOTOS = _("You can add up to 3 photos: send them now, or choose No photo.")
DONE = Option("done", pgettext("photos", "Done"))
SKIP = Option("skip", pgettext("photos", "No photo"))
SWITCH = Option("switch", pgettext("switch", "Yes, report it there"))
STAY = Option("stay", pgettext("switch", "No, type the place"))
CONFIRM = Option("confirm", pgettext("summary", "Confirm"))
CHANGE = Option("change", pgettext("summary", "Change something"))
CANCEL = Option("cancel", pgettext("summary", "Cancel"))
DIFFERENT = Option("different", pgettext("similar", "Mine is different"))
FIELDS = (
    Option(Step.CATEGORY, pgettext("field", "The category")),
    Option(Step.PLACE, pgettext("field", "The place")),
    Option(Step.DESCRIPTION, pgettext("field", "The description")),
    Option(Step.PHOTOS, pgettext("field", "The photos")),
)
OUTSIDE = _("This location is not inside any Moroccan commune (at sea, perhaps?).")
PHOTO_REFUSED = _(
    "Only photos in JPEG, PNG or WebP, of at most 10 MB, can be added. This file was not added."
)


def filed(ref: str) -> Text:
    """The notice that a report is registered under ``ref``."""
    return _(
        "Thank you! Your report is registered under the reference {ref}. The association "
        "will review it, and you will get a message here each time its status changes. You "
        "can follow it in My activity.",
        ref=ref,
    )


def _ask_photos(data: Answers) -> Reply:
    if not data.photos:
        return Reply(ASK_PHOTOS, (SKIP,))
    count = ngettext(
        "{n} photo received. Send another, or choose Done.",
        "{n} photos received. Send another, or choose Done.",
        len(data.photos),
    )
    return Reply(count, (DONE,))


class ReportNeed(Flow[Step, Answers]):
    name = FlowName.REPORT_NEED
    steps = Step
    answers = Answers

    async def start(self, ctx: Context) -> Turn[Step, Answers]:
        return Turn(
            (ASK_CATEGORY,), Step.CATEGORY, Answers(commune=ctx.resident.commune_code or "")
        )

    async def open(self, ctx: Context, link: str) -> Turn[Step, Answers]:
        """Straight to the place when the resident already named the problem ("الضو مقطوع")."""
        if link not in CATEGORY_LABELS or link == Category.OTHER:
            return await self.start(ctx)
        category = Category(link)
        data = Answers(commune=ctx.resident.commune_code or "", category=category)
        # TRANSLATORS: {category} is a category's name, such as "Public lighting".
        label = CATEGORY_LABELS[category]
        noted = _("Category: {category}. You can change it before sending.", category=label)
        return Turn((Reply(noted), ASK_PLACE), Step.PLACE, data)

    async def take(self, ctx: Context, msg: Inbound) -> Turn[Step, Answers]:
        """A photo, a voice note or a pin sent at the menu starts a report with it."""
        data = Answers(commune=ctx.resident.commune_code or "")
        said: list[Reply] = []
        photos = tuple(
            (media.ref, media.content_type, media.size)
            for media in msg.media
            if _acceptable_photo(media)
        )[:MAX_PHOTOS]
        voice = voice_of(msg.media)
        caption = msg.text.strip()
        data = replace(
            data,
            photos=photos,
            voice=_file(voice) if voice is not None and refusal(voice) is None else None,
            # A photo's caption describes the need.
            description=caption if len(caption) <= MAX_DESCRIPTION else "",
        )
        if msg.location is not None:
            place = await ctx.services.places.commune_at(msg.location)
            if place is None:
                said.append(Reply(OUTSIDE))
            else:
                pin = msg.location
                data = replace(data, lat=pin.lat, lon=pin.lon)
                if place.code != data.commune:
                    data = replace(data, pin_commune=place.code)
        if voice is not None and (why := refusal(voice)) is not None:
            said.append(Reply(why))
        if data.photos or data.voice or data.lat is not None:
            said.append(Reply(_("Let's start a report with what you sent.")))
        return Turn((*said, ASK_CATEGORY), Step.CATEGORY, data)

    def underway(self, step: Step, data: Answers) -> Renderable:
        return _("You were writing a report.")

    async def handle(
        self, ctx: Context, step: Step, data: Answers, msg: Inbound
    ) -> Turn[Step, Answers]:
        match step:
            case Step.CATEGORY:
                return await self._category(ctx, data, msg)
            case Step.OTHER_LABEL:
                return await self._other_label(ctx, data, msg)
            case Step.PLACE:
                return await self._place(ctx, data, msg)
            case Step.SWITCH_COMMUNE:
                return await self._switch_commune(ctx, data, msg)
            case Step.DESCRIPTION:
                return await self._description(ctx, data, msg)
            case Step.PHOTOS:
                return await self._photos(ctx, data, msg)
            case Step.SIMILAR:
                return await self._similar(ctx, data, msg)
            case Step.SUMMARY:
                return await self._on_summary(ctx, data, msg)
            case Step.CHANGE:
                return self._change(data, msg)
            case _:
                assert_never(step)

    async def _category(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        chosen = pick(msg, CATEGORIES)
        if chosen is None:
            return self._again(Step.CATEGORY, data, NOT_AN_OPTION)
        data = replace(data, category=chosen.id)
        if chosen.id == Category.OTHER:
            return Turn((ASK_OTHER,), Step.OTHER_LABEL, data)
        return await self._after(ctx, Step.CATEGORY, replace(data, other_label=""))

    async def _other_label(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        """The resident's own name for a need none of the categories fits."""
        label = msg.text.strip()
        if not label or len(label) > MAX_OTHER:
            return self._again(Step.OTHER_LABEL, data, _("Please answer in at most 60 characters."))
        return await self._after(ctx, Step.OTHER_LABEL, replace(data, other_label=label))

    async def _switch_commune(
        self, ctx: Context, data: Answers, msg: Inbound
    ) -> Turn[Step, Answers]:
        """A pin in another commune than the resident's: report there, or type the place."""
        said = answer(msg, (SWITCH, STAY), SWITCH, STAY)
        if said is SWITCH:
            return await self._after(ctx, Step.PLACE, replace(data, commune=data.pin_commune))
        if said is STAY:
            cleared = replace(data, lat=None, lon=None, pin_commune="")
            return Turn((ASK_PLACE,), Step.PLACE, cleared)
        asked = await self._switch(ctx, data)
        return Turn((Reply(NOT_AN_OPTION), asked), Step.SWITCH_COMMUNE, data)

    async def _on_summary(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        # "Is everything right?": a no is something to change, not the end of it.
        said = answer(msg, (CONFIRM, CHANGE, CANCEL), CONFIRM, CHANGE)
        if said is CONFIRM:
            ref = await ctx.services.reports.file_report(draft_of(data))
            return Turn((Reply(filed(ref)),), None, data)
        if said is CHANGE:
            return Turn((Reply(_("What do you want to change?"), FIELDS),), Step.CHANGE, data)
        if said is CANCEL:
            return Turn((Reply(CANCELLED),), None, data)
        return Turn((Reply(NOT_AN_OPTION), await self._summary(ctx, data)), Step.SUMMARY, data)

    def _change(self, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        """The answer to change, asked again."""
        field = pick(msg, FIELDS)
        if field is None:
            return Turn(
                (Reply(NOT_AN_OPTION), Reply(_("What do you want to change?"), FIELDS)),
                Step.CHANGE,
                data,
            )
        target = Step(field.id)
        # Changing the photos means sending them again: the old ones are let go.
        photos = () if target is Step.PHOTOS else data.photos
        editing = replace(data, editing=True, photos=photos, similar=())
        return Turn((self._question(target, editing),), target, editing)

    def _question(self, step: Step, data: Answers) -> Reply:
        questions = {
            Step.CATEGORY: ASK_CATEGORY,
            Step.OTHER_LABEL: ASK_OTHER,
            Step.PLACE: ASK_PLACE,
            Step.DESCRIPTION: ASK_DESCRIPTION,
            Step.PHOTOS: _ask_photos(data),
        }
        return questions[step]

    def _again(self, step: Step, data: Answers, hint: Renderable) -> Turn[Step, Answers]:
        return Turn((Reply(hint), self._question(step, data)), step, data)

    async def _after(self, ctx: Context, done: Step, data: Answers) -> Turn[Step, Answers]:
        """The next question, or the summary again when the resident was changing one answer.

        Similar reports are looked for as soon as the category and the place are known, before
        the resident spends time on a description and photos they may not need.
        """
        if done in (Step.CATEGORY, Step.OTHER_LABEL) and not data.editing:
            if data.lat is None:
                return Turn((ASK_PLACE,), Step.PLACE, data)
            if data.pin_commune and data.pin_commune != data.commune:
                # The pin came first, sent at the menu, from another commune.
                return Turn((await self._switch(ctx, data),), Step.SWITCH_COMMUNE, data)
        if done in (Step.CATEGORY, Step.OTHER_LABEL, Step.PLACE):
            similar = await ctx.services.reports.nearby_reports(draft_of(data))
            if similar:
                found = replace(data, similar=tuple(brief.ref for brief in similar))
                return Turn((similar_reply(similar, DIFFERENT),), Step.SIMILAR, found)
            return await self._go_on(ctx, data)
        if done is Step.DESCRIPTION and not data.editing:
            return Turn((_ask_photos(data),), Step.PHOTOS, data)
        return Turn((await self._summary(ctx, data),), Step.SUMMARY, replace(data, editing=False))

    async def _go_on(self, ctx: Context, data: Answers) -> Turn[Step, Answers]:
        """After the similar reports: describe the need, or back to the summary when changing.

        A report begun with a voice note or a captioned photo has its description already.
        """
        if not (data.description or data.voice):
            return Turn((ASK_DESCRIPTION,), Step.DESCRIPTION, data)
        if not data.editing and len(data.photos) < MAX_PHOTOS:
            return Turn((_ask_photos(data),), Step.PHOTOS, data)
        return Turn((await self._summary(ctx, data),), Step.SUMMARY, replace(data, editing=False))

    async def _place(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        if msg.location is not None:
            places = await ctx.services.places.communes_near(msg.location)
            if not places:
                return self._again(Step.PLACE, data, OUTSIDE)
            pinned = replace(data, place="", lat=msg.location.lat, lon=msg.location.lon)
            home = ctx.resident.commune_code
            # Boundaries are drawn roughly: a pin this close to the resident's commune may be in it.
            if any(place.code == home for place in places):
                return await self._after(ctx, Step.PLACE, replace(pinned, commune=home or ""))
            pinned = replace(pinned, pin_commune=places[0].code)
            return Turn((await self._switch(ctx, pinned),), Step.SWITCH_COMMUNE, pinned)
        voice = voice_of(msg.media)
        if voice is not None:
            return await self._place_voice(ctx, data, voice)
        place_text = msg.text.strip()
        if len(place_text) < 2 or len(place_text) > MAX_PLACE:
            return self._again(
                Step.PLACE,
                data,
                _(
                    "Please type the neighbourhood or street (at most 200 characters), or share "
                    "the location."
                ),
            )
        typed = replace(
            data,
            place=place_text,
            place_voice=None,
            lat=None,
            lon=None,
            pin_commune="",
            commune=ctx.resident.commune_code or data.commune,
        )
        return await self._after(ctx, Step.PLACE, typed)

    async def _place_voice(self, ctx: Context, data: Answers, voice: Media) -> Turn[Step, Answers]:
        """The place said in a voice note: in the resident's commune, as a typed place is."""
        why = refusal(voice)
        if why is not None:
            return self._again(Step.PLACE, data, why)
        said = replace(
            data,
            place="",
            place_voice=_file(voice),
            lat=None,
            lon=None,
            pin_commune="",
            commune=ctx.resident.commune_code or data.commune,
        )
        return await self._after(ctx, Step.PLACE, said)

    async def _switch(self, ctx: Context, data: Answers) -> Reply:
        there = await ctx.services.places.commune(data.pin_commune)
        home = await ctx.services.places.commune(ctx.resident.commune_code or "")
        question = _(
            "This location is in {there}, not in your commune ({home}). Report this need there?",
            there=there.label() if there else data.pin_commune,
            home=home.label() if home else "",
        )
        return Reply(question, (SWITCH, STAY))

    async def _description(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        voice = voice_of(msg.media)
        if voice is not None and (why := refusal(voice)) is not None:
            return self._again(Step.DESCRIPTION, data, why)
        if voice is not None:
            described = replace(data, description="", voice=_file(voice))
            return await self._after(ctx, Step.DESCRIPTION, described)
        text = msg.text.strip()
        if len(text) > MAX_DESCRIPTION:
            return self._again(
                Step.DESCRIPTION,
                data,
                _(
                    "That is {length} characters; a description can have at most 1,000. Please "
                    "shorten it.",
                    length=len(text),
                ),
            )
        if not text:
            return self._again(
                Step.DESCRIPTION,
                data,
                _("Please describe the need in words or in a voice note; photos come next."),
            )
        return await self._after(ctx, Step.DESCRIPTION, replace(data, description=text, voice=None))

    async def _photos(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        if msg.option in (DONE.id, SKIP.id):
            return await self._after(ctx, Step.PHOTOS, data)
        if not msg.media:
            return self._again(Step.PHOTOS, data, NOT_AN_OPTION)
        photos = list(data.photos)
        refused = False
        for media in msg.media:
            if not _acceptable_photo(media) or len(photos) >= MAX_PHOTOS:
                refused = True
                continue
            photos.append((media.ref, media.content_type, media.size))
        data = replace(data, photos=tuple(photos))
        if len(photos) >= MAX_PHOTOS:
            turn = await self._after(ctx, Step.PHOTOS, data)
            return replace(
                turn, replies=((Reply(PHOTO_REFUSED),) if refused else ()) + turn.replies
            )
        if refused:
            return self._again(Step.PHOTOS, data, PHOTO_REFUSED)
        return Turn((_ask_photos(data),), Step.PHOTOS, data)

    async def _similar(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        if msg.option == DIFFERENT.id:
            return await self._go_on(ctx, data)
        ref = (msg.option or "").removeprefix("support:")
        if ref not in data.similar:
            similar = await ctx.services.reports.nearby_reports(draft_of(data))
            if not similar:  # closed meanwhile: nothing left to support
                return await self._go_on(ctx, data)
            data = replace(data, similar=tuple(brief.ref for brief in similar))
            asked = similar_reply(similar, DIFFERENT)
            return Turn((Reply(NOT_AN_OPTION), asked), Step.SIMILAR, data)
        counted = await ctx.services.reports.support_report(ref)
        if counted is None:
            closed = _(
                "That report has just been closed, so it cannot be supported. Let's go on with "
                "yours."
            )
            turn = await self._go_on(ctx, data)
            return replace(turn, replies=(Reply(closed), *turn.replies))
        if counted:
            thanks = _(
                "Thank you: your support for {ref} is counted. You will get a message each time "
                "its status changes.",
                ref=ref,
            )
        else:
            thanks = _("You already support {ref}; it is counted once.", ref=ref)
        return Turn((Reply(thanks),), None, data)

    async def _summary(self, ctx: Context, data: Answers) -> Reply:
        commune = await ctx.services.places.commune(data.commune)
        return Reply(summary(data, commune), (CONFIRM, CHANGE, CANCEL))


def _file(media: Media) -> FileRef:
    return (media.ref, media.content_type, media.size)


def _acceptable_photo(media: Media) -> bool:
    # The content type is what the adapter checked with the platform, not what a file name says.
    small = media.size is None or media.size <= MAX_PHOTO_BYTES
    return media.kind is MediaKind.PHOTO and media.content_type in PHOTO_TYPES and small
