"""Phrases more than one flow says, written once."""

from __future__ import annotations

from conversations.text import Renderable, Text, _, ngettext

# TRANSLATORS: shown when the resident's answer matches none of the offered options.
NOT_AN_OPTION = _("Sorry, I did not understand. Please choose one of the options below.")
EMPTY = _("Your message looks empty. Please type an answer or choose an option.")
HELP = _(
    "Hayna helps you report a need in your neighbourhood, sign petitions to your commune "
    "council and hear about public consultations.\n"
    "Answer with the number of an option or tap it. At any time you can type:\n"
    "• menu: the main menu (what you were doing is kept)\n"
    "• back: the previous question\n"
    "• language: change the language\n"
    "• stop: no more notifications (start to resume)\n"
    "• help or ?: this help, and the question again"
)
CANCELLED = _("Cancelled. Nothing was saved.")
NOT_ALLOWED = _("Sorry, this is not allowed: only organizers can do this.")
# TRANSLATORS: the answer to a resident's thanks; the question they were at follows it.
YOU_ARE_WELCOME = _("You're welcome!")
FINISH_SETUP = _("Let's finish setting up first, it only takes a minute.")
NOT_AN_ORGANIZER = _(
    "The dashboard is for the organizers of associations and groups. If you organize one, "
    "ask for an invite code and type it here."
)
STOPPED = _("You will not receive notifications any more. Type start to receive them again.")
RESUMED = _("Notifications are on again.")
SOMETHING_WRONG = _("Sorry, something went wrong on our side. Please try again in a moment.")
COMING_SOON = _("This part of Hayna is coming soon. Thank you for your patience!")
# TRANSLATORS: sent once when a resident writes faster than Hayna answers; the rest is ignored.
SLOW_DOWN = _(
    "You are sending messages very fast. Please wait a minute: messages sent until then are "
    "ignored."
)


def private_only(link: str) -> Text:
    """The answer to a message from a group chat: Hayna works one resident at a time."""
    if link:
        # TRANSLATORS: sent in a group chat, seen by all its members; {link} opens a private chat.
        return _(
            "To protect everyone's data, Hayna only works in a private chat. Write to me "
            "privately here: {link}",
            link=link,
        )
    # TRANSLATORS: sent in a group chat, seen by all its members.
    return _(
        "To protect everyone's data, Hayna only works in a private chat. Please write to me "
        "privately."
    )


def type_within(most: int) -> Renderable:
    """Why a text is asked again: it was empty, or longer than ``most`` characters."""
    return ngettext(
        "Please type it, at most {n} character.", "Please type it, at most {n} characters.", most
    )
