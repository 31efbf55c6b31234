"""The tests' temporary files in memory where the machine has a roomy tmpfs: SQLite's fsyncs
and file churn cost nothing there, and most tests make and drop a database."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

SHM = Path("/dev/shm")
# A whole run writes about 150 MB and pytest keeps the last three; a container's /dev/shm is
# often 64 MB, too small.
ROOM = 2 * 1024**3


def use_tmpfs() -> str | None:
    """Point TMPDIR (so pytest's tmp_path, and this process's children) at /dev/shm unless
    TMPDIR is set already or /dev/shm is missing or small; the folder chosen, if any."""
    if "TMPDIR" in os.environ or not SHM.is_dir() or not os.access(SHM, os.W_OK | os.X_OK):
        return None
    if shutil.disk_usage(SHM).free < ROOM:
        return None
    os.environ["TMPDIR"] = str(SHM)
    tempfile.tempdir = None  # gettempdir() reads TMPDIR again
    return str(SHM)
