"""pre_adapter_write hook: stamp format-specific carriers (EDL comments, FCP XML marker comments, AAF
UserComments) on a copy of the timeline, so flags survive the format being written."""

from __future__ import annotations

import sys
from typing import Any

from genflag.timeline.hook_config import hooks_enabled


def hook_function(in_timeline: Any, argument_map: Any = None) -> Any:
    """Return a stamped copy when enabled and the target path is known; the caller's object is untouched."""
    path = (argument_map or {}).get("_filepath") if hasattr(argument_map, "get") else None
    if not hooks_enabled() or not path:
        return in_timeline
    try:
        from genflag.writeback.carriers import prepare_for_format
        copy = in_timeline.deepcopy()
        prepare_for_format(copy, str(path))
        return copy
    except Exception as exc:
        from genflag.safe_text import terminal
        print(f"genflag: warning: OTIO write hook skipped: {type(exc).__name__}: {terminal(exc, 500)}", file=sys.stderr)
        return in_timeline
