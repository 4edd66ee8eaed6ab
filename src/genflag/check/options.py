"""What a check run needs besides the timeline paths, and the run context plugins see."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..plugins import RunContext


@dataclass
class CheckOptions:
    """Everything a check run needs besides the timeline paths."""

    rules: list[str] = field(default_factory=list)
    include_default_rules: bool = True
    adapter: str | None = None
    rate: float | None = None
    adapter_args: dict[str, Any] = field(default_factory=dict)
    probe_media: bool = True
    media_roots: list[tuple[str, str]] = field(default_factory=list)
    cache_dir: str | None = None
    jobs: int = 1
    collectors: list[str] | None = None
    config: dict[str, Any] = field(default_factory=dict)
    severity_overrides: dict[str, str] = field(default_factory=dict)
    disabled_rules: list[str] = field(default_factory=list)
    #: Rule selectors (a rule id, or an id or category prefix such as ``genai`` or ``likeness``): only the
    #: rules they pick are run; ``ignore`` drops rules (check/selection.py: the more specific selector wins).
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    evaluate_all: bool = False  # evaluate every rule on every clip, without the prefilter (same results)
    timeout: float | None = None  # seconds one timeline's check may take (isolation.py)
    memory_limit: int | None = None  # bytes one timeline's check may use (isolation.py)

    @property
    def min_evidence(self) -> str | None:
        """The weakest evidence a finding may have to be reported (``min_evidence`` in the configuration)."""
        floor = self.config.get("min_evidence")
        return str(floor) if floor else None

    def run_context(self, timeline_path: str = "") -> RunContext:
        """The RunContext plugins see."""
        return RunContext(media_roots=list(self.media_roots), probe_media=self.probe_media,
                          cache_dir=self.cache_dir, jobs=self.jobs, config=self.config,
                          timeline_path=timeline_path)
