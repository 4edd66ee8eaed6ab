"""post_adapter_read hook: flag clips (metadata + markers) on every timeline OTIO reads."""

from __future__ import annotations

import sys
from typing import Any

from genflag.timeline.hook_config import extra_rules, hooks_enabled

_CHECKER: Any = None


def _checker() -> Any:
    global _CHECKER
    if _CHECKER is None:
        from genflag.check.checker import Checker, CheckOptions
        _CHECKER = Checker(CheckOptions(rules=extra_rules(), probe_media=False))
    return _CHECKER


def hook_function(in_timeline: Any, argument_map: Any = None) -> Any:
    """Annotate the timeline in place when enabled; never breaks the read it is part of."""
    if not hooks_enabled():
        return in_timeline
    try:
        from genflag.writeback.annotate import annotate_object
        annotate_object(in_timeline, "<otio>", _checker())
    except Exception as exc:  # a hook must not make OTIO unusable; say why and go on
        from genflag.safe_text import terminal
        print(f"genflag: warning: OTIO read hook skipped: {type(exc).__name__}: {terminal(exc, 500)}", file=sys.stderr)
    return in_timeline
