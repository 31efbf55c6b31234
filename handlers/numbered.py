"""Options as numbered lines, for channels without buttons (WhatsApp, the terminal)."""

from __future__ import annotations

from conversations.kit import Outgoing


def numbered(message: Outgoing) -> str:
    """The text followed by one ``N. label`` line per option; the engine maps N back."""
    if not message.options:
        return message.text
    lines = [f"{number}. {choice.label}" for number, choice in enumerate(message.options, 1)]
    return "\n".join([message.text, "", *lines])
