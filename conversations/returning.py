"""What the engine itself asks about coming back: to a flow left for a global word, to a
question after a long pause, and whether "stop" really means every notification.

These questions sit beside the flow's own: the flow's state stays as it was, and their options
(ids starting with "hayna.") are answered by the engine before any flow sees them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from conversations.kit import Option, Reply
from conversations.text import Gist, Renderable, _, lines, pgettext

# A message after more silence than this is not taken as the answer to the question before it.
PAUSE = timedelta(minutes=30)

# TRANSLATORS: an option going back to what the resident was doing (a report half written...).
CONTINUE = Option("hayna.continue", pgettext("paused", "Continue"))
# TRANSLATORS: an option starting the same thing again, from its first question.
RESTART = Option("hayna.restart", pgettext("paused", "Start over"))
STOP_ALL = Option("hayna.stop", pgettext("stop", "Yes, stop them all"))
KEEP_ON = Option("hayna.keep", pgettext("stop", "No, keep them"))
OWN = frozenset(option.id for option in (CONTINUE, RESTART, STOP_ALL, KEEP_ON))

ASK_STOP = Reply(
    _(
        "Stop all notifications? You will no longer hear about your reports, petitions and "
        "meetings."
    ),
    (STOP_ALL, KEEP_ON),
)
STILL_ON = _("Nothing changed: notifications stay on.")
# TRANSLATORS: said when a global word leaves something half done, such as a report.
KEPT = _("It is kept: you can continue it from the menu.")
# TRANSLATORS: above the menu, while something left half done is kept.
OFFERED = _("It is kept: choose Continue to go back to it, or Start over.")


def stale(saved_at: datetime | None, now: datetime, started: datetime) -> bool:
    """Whether the resident's previous message is too long ago, or from before a restart, for
    this one to be the answer to the question left then."""
    if saved_at is None:
        return False
    return now - saved_at > PAUSE or saved_at < started


def reminder(underway: Renderable | None, question: Renderable) -> Reply:
    """Where the resident was, in short, and the choice to go on or start over."""
    said = (underway,) if underway is not None else ()
    last = _("The last question was: “{question}”", question=Gist(question))
    return Reply(lines(_("Welcome back!"), *said, last), (CONTINUE, RESTART))


def kept(underway: Renderable) -> Reply:
    """Said when a global word leaves a flow for another one than the menu."""
    return Reply(lines(underway, KEPT))


def offered(reply: Reply, underway: Renderable) -> Reply:
    """The menu, with what was left half done offered first in words and last in options."""
    text = lines(underway, OFFERED, reply.text)
    return Reply(text, (*reply.options, CONTINUE, RESTART), reply.ask_location)
