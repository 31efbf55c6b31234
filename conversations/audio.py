"""What a recorded voice prompt is, read from its bytes alone: OGG/Opus, MP3 or M4A, and how long
it plays. A name or a declared type can lie, and a prompt reaches every resident who chose voice:
a file is taken only when its first bytes and its own length say it is short audio."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from enum import StrEnum

# A prompt is a question read aloud: a minute says it, a megabyte holds far more than a minute.
MAX_BYTES = 1024 * 1024
MAX_SECONDS = 60.0
OGG = "audio/ogg"
MP3 = "audio/mpeg"
M4A = "audio/mp4"
# Opus counts its granule position in 48 kHz samples, whatever the rate it was recorded at.
_OPUS_RATE = 48_000
# MPEG audio layer III bitrates (kbit/s) by index, for MPEG-1 and for MPEG-2 and 2.5.
_BITRATES = {
    1: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_RATES = {3: (44_100, 48_000, 32_000), 2: (22_050, 24_000, 16_000), 0: (11_025, 12_000, 8_000)}


class AudioProblem(StrEnum):
    """Why a file cannot be a voice prompt."""

    NOT_AUDIO = "not_audio"
    TOO_LARGE = "too_large"
    TOO_LONG = "too_long"


class AudioRefused(ValueError):
    """A file that cannot be a voice prompt; ``problem`` says why."""

    def __init__(self, problem: AudioProblem, seconds: float = 0.0) -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.seconds = seconds


@dataclass(frozen=True, slots=True)
class Recording:
    """A file that is a voice prompt: its content type and how many seconds it plays."""

    content_type: str
    seconds: float


def recording(data: bytes) -> Recording:
    """The prompt ``data`` is; raises `AudioRefused` when it is no short OGG/Opus, MP3 or M4A."""
    if len(data) > MAX_BYTES:
        raise AudioRefused(AudioProblem.TOO_LARGE)
    found = _read(data)
    if found is None or found.seconds <= 0:
        raise AudioRefused(AudioProblem.NOT_AUDIO)
    if found.seconds > MAX_SECONDS:
        raise AudioRefused(AudioProblem.TOO_LONG, found.seconds)
    return found


def _read(data: bytes) -> Recording | None:
    try:
        if data.startswith(b"OggS"):
            return _ogg(data)
        if data[4:8] == b"ftyp":
            return _m4a(data)
        return _mp3(data)
    except (struct.error, IndexError, ZeroDivisionError):
        return None  # cut short or malformed: not a file any platform would play


def _ogg(data: bytes) -> Recording | None:
    """OGG pages to the last one, whose granule position is the length; Opus only (the codec
    of voice messages)."""
    at, granule, first = 0, -1, b""
    while at + 27 <= len(data) and data[at : at + 4] == b"OggS":
        (granule,) = struct.unpack_from("<q", data, at + 6)
        segments = data[at + 26]
        table = data[at + 27 : at + 27 + segments]
        body = at + 27 + segments
        if not first:
            first = data[body : body + 19]
        at = body + sum(table)
    if not first.startswith(b"OpusHead") or granule <= 0:
        return None
    (pre_skip,) = struct.unpack_from("<H", first, 10)
    return Recording(OGG, (granule - pre_skip) / _OPUS_RATE)


def _mp3(data: bytes) -> Recording | None:
    """Every MPEG layer III frame after an ID3 tag, each adding its samples."""
    at = 0
    if data.startswith(b"ID3"):
        size = sum((byte & 0x7F) << (7 * (3 - index)) for index, byte in enumerate(data[6:10]))
        at = 10 + size + (10 if data[5] & 0x10 else 0)
    seconds, frames = 0.0, 0
    while at + 4 <= len(data):
        frame = _frame(data[at : at + 4])
        if frame is None:
            break
        length, played = frame
        seconds, frames, at = seconds + played, frames + 1, at + length
    return Recording(MP3, seconds) if frames else None


def _frame(header: bytes) -> tuple[int, float] | None:
    """A layer III frame header's length in bytes and seconds, or None when it is not one."""
    if header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
        return None
    version, layer = (header[1] >> 3) & 3, (header[1] >> 1) & 3
    bitrate_index, rate_index = header[2] >> 4, (header[2] >> 2) & 3
    if version == 1 or layer != 1 or bitrate_index in (0, 15) or rate_index == 3:
        return None
    mpeg1 = version == 3
    bitrate = _BITRATES[1 if mpeg1 else 2][bitrate_index] * 1000
    rate = _RATES[version][rate_index]
    samples = 1152 if mpeg1 else 576
    length = samples // 8 * bitrate // rate + ((header[2] >> 1) & 1)
    return length, samples / rate


def _m4a(data: bytes) -> Recording | None:
    """The movie header's duration and time scale, inside the ``moov`` box."""
    moov = _box(data, 0, len(data), b"moov")
    if moov is None:
        return None
    mvhd = _box(data, moov[0], moov[1], b"mvhd")
    if mvhd is None:
        return None
    at = mvhd[0]
    if data[at] == 1:
        scale, duration = struct.unpack_from(">IQ", data, at + 20)
    else:
        scale, duration = struct.unpack_from(">II", data, at + 12)
    return Recording(M4A, duration / scale)


def _box(data: bytes, start: int, end: int, kind: bytes) -> tuple[int, int] | None:
    """Where the content of the first box of ``kind`` between ``start`` and ``end`` lies."""
    at = start
    while at + 8 <= end:
        size, found = struct.unpack_from(">I4s", data, at)
        header = 8
        if size == 1:
            (size,) = struct.unpack_from(">Q", data, at + 8)
            header = 16
        elif size == 0:
            size = end - at
        if size < header:
            return None
        if found == kind:
            return at + header, min(at + size, end)
        at += size
    return None
