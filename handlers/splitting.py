"""Long texts in pieces a platform accepts, measured as Telegram and Twilio measure them: in
UTF-16 code units (an emoji counts two)."""

from __future__ import annotations


def units(text: str) -> int:
    """The length a platform counts."""
    return len(text.encode("utf-16-le")) // 2


def split(text: str, limit: int) -> list[str]:
    """``text`` in pieces of at most ``limit`` units, cut at line ends, else at spaces; no piece
    is blank (platforms refuse those), and a blank text gives none."""
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if units(candidate) <= limit:
            current = candidate
            continue
        if current:
            pieces.append(current)
        current = ""
        while units(line) > limit:
            head = _cut(line, limit)
            pieces.append(head.rstrip())
            line = line[len(head) :].lstrip()
        current = line
    pieces.append(current)
    return [piece.strip("\n") for piece in pieces if piece.strip()]


def _cut(line: str, limit: int) -> str:
    """The longest start of ``line`` within ``limit`` units, ending at a space if one is near."""
    size, end = 0, 0
    for end, char in enumerate(line):  # noqa: B007 - end is used after the loop
        size += 2 if ord(char) > 0xFFFF else 1
        if size > limit:
            break
    else:
        return line
    space = line.rfind(" ", 0, end)
    return line[: space + 1] if space > end // 2 else line[:end]
