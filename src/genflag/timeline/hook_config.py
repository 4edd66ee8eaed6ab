"""When and with which rules genflag's OTIO hooks run (environment configuration)."""

from __future__ import annotations

import os

ENABLE_VAR = "GENFLAG_OTIO_HOOKS"
RULES_VAR = "GENFLAG_OTIO_RULES"


def hooks_enabled() -> bool:
    """True when the user switched the hooks on (GENFLAG_OTIO_HOOKS=1 or GENFLAG_OTIO_RULES set)."""
    flag = os.environ.get(ENABLE_VAR, "").strip().lower()
    return flag in ("1", "true", "yes", "on") or bool(os.environ.get(RULES_VAR, "").strip())


def extra_rules() -> list[str]:
    """Rule files or folders named by GENFLAG_OTIO_RULES (os.pathsep-separated)."""
    return [p for p in os.environ.get(RULES_VAR, "").split(os.pathsep) if p.strip()]
