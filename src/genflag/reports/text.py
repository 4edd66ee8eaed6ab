"""Display text in reports: the names report modules used, now decided by output/safe_text.py.

Kept so a report plugin importing ``genflag.reports.text`` keeps working; new code imports
output.safe_text.
"""

from __future__ import annotations

from ..safe_text import ELLIPSIS, FIRST_STRONG_ISOLATE, POP_DIRECTIONAL_ISOLATE, has_rtl, isolate, plain
from ..safe_text import display as clean

__all__ = ["ELLIPSIS", "FIRST_STRONG_ISOLATE", "POP_DIRECTIONAL_ISOLATE", "clean", "has_rtl", "isolate", "plain"]
