"""Where genflag keeps what it can recompute: $XDG_CACHE_HOME/genflag (or ~/.cache/genflag)."""

from __future__ import annotations

import os


def user_cache_dir(*parts: str) -> str:
    """Return the genflag cache folder, or a path inside it (not created here)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "genflag", *parts)
