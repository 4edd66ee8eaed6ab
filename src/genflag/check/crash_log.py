"""Write an internal error's traceback to a log file the user can send (never to the terminal)."""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from datetime import datetime

from .. import __version__


def log_dir() -> str:
    """$GENFLAG_LOG_DIR, default the temp folder's genflag-logs/."""
    return os.environ.get("GENFLAG_LOG_DIR") or os.path.join(tempfile.gettempdir(), "genflag-logs")


def write_crash_log(exc: BaseException) -> str | None:
    """Write the traceback of ``exc`` (and the command line) to a new log file; return its path,
    or None when it cannot be written."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    try:
        folder = log_dir()
        os.makedirs(folder, exist_ok=True)
        fd, path = tempfile.mkstemp(prefix=f"crash-{stamp}-", suffix=".log", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8", errors="replace") as handle:
            handle.write(f"genflag {__version__} {' '.join(sys.argv)}\n")
            handle.write("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
        return path
    except OSError:
        return None
