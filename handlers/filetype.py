"""What a file really is, from its first bytes: a name or a declared type can lie."""

from __future__ import annotations

# Enough of each format's signature to tell apart what residents send.
_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF8", "image/gif"),
    (b"%PDF", "application/pdf"),
    (b"OggS", "audio/ogg"),
    (b"ID3", "audio/mpeg"),
    (b"#!AMR", "audio/amr"),
    (b"PK\x03\x04", "application/zip"),
)
HEAD = 16


def sniff(head: bytes) -> str | None:
    """The content type the first bytes of a file show, or None when they say nothing known."""
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp":  # ISO media: voice notes from phones (m4a) and videos
        return "audio/mp4" if head[8:11] in (b"M4A", b"mp4") else "video/mp4"
    found = next((kind for signature, kind in _SIGNATURES if head.startswith(signature)), None)
    return found or _frames(head)


def _frames(head: bytes) -> str | None:
    """Sound with no container, as some phones send it: an MPEG audio frame's 11 sync bits
    (MP3), or an ADTS header's 12 with layer 0 (AAC). A JPEG's FF D8 is neither."""
    if len(head) < 2 or head[0] != 0xFF:
        return None
    if head[1] & 0xF6 == 0xF0:
        return "audio/aac"
    if head[1] & 0xE0 == 0xE0 and head[1] & 0x06:  # a layer of 0 is reserved
        return "audio/mpeg"
    return None
