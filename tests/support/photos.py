"""A photo's bytes, as the tests send them."""

from __future__ import annotations

# A JPEG as its first bytes show it, and enough of a body to tell copies apart.
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 40
