"""Small audio files made byte by byte, as a phone or an editor writes them: OGG/Opus, MP3 and
M4A of a given length (silence: only the headers and lengths matter to Hayna)."""

from __future__ import annotations

import struct

PRE_SKIP = 312


def _page(granule: int, sequence: int, body: bytes, kind: int = 0) -> bytes:
    segments = [255] * (len(body) // 255) + [len(body) % 255]
    header = b"OggS" + struct.pack("<BBqIIIB", 0, kind, granule, 1, sequence, 0, len(segments))
    return header + bytes(segments) + body


def opus(seconds: float) -> bytes:
    """An OGG/Opus voice note of ``seconds``."""
    head = b"OpusHead" + struct.pack("<BBHIhB", 1, 1, PRE_SKIP, 48_000, 0, 0)
    tags = b"OpusTags" + struct.pack("<I", 0) + struct.pack("<I", 0)
    audio = bytes(400)
    end = PRE_SKIP + int(seconds * 48_000)
    return _page(0, 0, head, 2) + _page(0, 1, tags) + _page(end, 2, audio, 4)


def mp3(seconds: float, tagged: bool = True) -> bytes:
    """An MP3 of ``seconds``: MPEG-1 layer III frames at 32 kbit/s, 44.1 kHz, after an ID3 tag."""
    frame = b"\xff\xfb\x10\x00" + bytes(100)  # 144 * 32000 // 44100 = 104 bytes
    count = round(seconds * 44_100 / 1152)
    tag = b"ID3\x04\x00\x00\x00\x00\x00\x0a" + bytes(10) if tagged else b""
    return tag + frame * count


def m4a(seconds: float) -> bytes:
    """An M4A whose movie header says ``seconds`` at a time scale of 1000."""
    ftyp = struct.pack(">I4s4sI4s", 24, b"ftyp", b"M4A ", 0, b"isom") + b"M4A "
    mvhd_body = struct.pack(">IIIII", 0, 0, 0, 1000, int(seconds * 1000)) + bytes(80)
    mvhd = struct.pack(">I4s", 8 + len(mvhd_body), b"mvhd") + mvhd_body
    moov = struct.pack(">I4s", 8 + len(mvhd), b"moov") + mvhd
    return ftyp[:24] + moov
