"""The check pipeline: read → walk clips → collect facts → evaluate rules → findings, per timeline.

The pipeline never raises for one bad timeline or clip: errors are recorded in the
TimelineResult beside the findings, and the run goes on.
"""

from __future__ import annotations

import contextlib
import gc
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterable, Iterator, Sequence

from .engine import Engine, Match
from ..errors import ConfigError, GenflagError, TimelineError
from ..facts.view import FactGroup, Facts, snapshot
from ..findings import Evidence, Finding, RunResult, TimelineResult
from .media_state import record_media_states
from ..plugins import Collector, RunContext, registry
from ..timeline.review import clears, review_state
from ..rules.modifiers import value_text
from ..rules.pack import RulePack, load_pack
from ..rules.strength import message_for, severity_of, strength_of
from ..timeline.timecode import in_out, range_dict
from ..timeline.read import read_timeline, timelines_in
from ..timeline.walk import ClipPlace, clip_places

_PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_.*]+)\}")


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
    evaluate_all: bool = False  # evaluate every rule on every clip, without the prefilter (same results)
    timeout: float | None = None  # seconds one timeline's check may take (isolation.py)
    memory_limit: int | None = None  # bytes one timeline's check may use (isolation.py)

    def run_context(self, timeline_path: str = "") -> RunContext:
        """The RunContext plugins see."""
        return RunContext(media_roots=list(self.media_roots), probe_media=self.probe_media,
                          cache_dir=self.cache_dir, jobs=self.jobs, config=self.config,
                          timeline_path=timeline_path)


class Checker:
    """A loaded rule pack and collectors, ready to check any number of timelines."""

    def __init__(self, options: CheckOptions, pack: RulePack | None = None) -> None:
        self.options = options
        self.pack = pack or load_pack(options.rules, options.include_default_rules)
        self._apply_project_overrides(options)
        self.engine = Engine(self.pack, prefilter=not options.evaluate_all)
        self.collectors = self._collectors()
        self.checked_at = datetime.now(timezone.utc).replace(microsecond=0).isoformat()

    def _apply_project_overrides(self, options: CheckOptions) -> None:
        unknown = [r for r in [*options.severity_overrides, *options.disabled_rules] if r not in self.pack.rules]
        if unknown:
            from difflib import get_close_matches
            close = get_close_matches(unknown[0], list(self.pack.rules), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ConfigError(f"configuration names unknown rule {unknown[0]!r}{hint}")
        for rule_id, severity in options.severity_overrides.items():
            self.pack.rules[rule_id].severity = severity
        for rule_id in options.disabled_rules:
            self.pack.rules[rule_id].enabled = False

    def _collectors(self) -> list[Collector]:
        wanted = self.options.collectors
        out = []
        for entry in registry.entries("collector"):
            if wanted is not None and entry.name not in wanted:
                continue
            if entry.name == "media" and not self.options.probe_media:
                continue
            cls = entry.load()
            if cls is not None:
                out.append(cls())
        return sorted(out, key=lambda c: (c.order, c.name))

    def check_path(self, path: str) -> TimelineResult:
        """Read and check one timeline file; errors are recorded, never raised."""
        result = TimelineResult(path=path)
        with no_cyclic_gc():
            try:
                obj = read_timeline(path, self.options.adapter, self.options.rate, result.warnings,
                                    self.options.adapter_args)
                self.check_object(obj, path, result)
            except GenflagError as exc:
                result.errors.append(str(exc))
        return result

    def isolated_check(self, path: str) -> Any:
        """check_path() as run in a child process (batch.py): returns what absorb() takes back."""
        return self.check_path(path)

    def absorb(self, path: str, payload: Any) -> TimelineResult:
        """In the parent: the TimelineResult from what isolated_check() returned in the child."""
        return payload

    def check_object(self, obj: Any, path: str, result: TimelineResult | None = None) -> TimelineResult:
        """Check an already-read OTIO object (timeline or collection)."""
        result = result or TimelineResult(path=path)
        for places, matches in self.analyse(obj, path, result):
            for place, clip_matches in zip(places, matches):
                result.findings.extend(self.findings_for(place, clip_matches, path))
        result.findings.sort(key=Finding.sort_key)
        return result

    def analyse(self, obj: Any, path: str, result: TimelineResult) -> Iterable[tuple[list[ClipPlace], list[list[Match]]]]:
        """Yield, per timeline in the object, its clip places and each clip's matches.

        Raises TimelineError for a timeline whose structure cannot be walked (a malformed file).
        """
        for container in timelines_in(obj, path):
            result.timelines += 1
            context = self.options.run_context(path)
            places = self.places(container, path)
            result.clips += len(places)
            self._collect(places, context)
            result.warnings.extend(context.warnings)
            record_media_states(places, result, self.options.probe_media)
            yield places, [self._evaluate(place) for place in places]

    def _evaluate(self, place: ClipPlace) -> list[Match]:
        """Evaluate one clip, then let go of what only evaluation needed (memory on 100k-clip cuts)."""
        snapshot(place)  # first: a clip whose data cannot be read gets its clip.unreadable fact now
        matches = self.engine.evaluate(place.facts)
        place.data = None
        if not matches:
            place.facts = None  # also breaks the place <-> facts reference cycle
        return matches

    def places(self, container: Any, path: str) -> list[ClipPlace]:
        """Enumerate a container's clips with their base facts (TimelineError: it cannot be walked)."""
        try:
            places = clip_places(container)
        except Exception as exc:  # a structure OpenTimelineIO read but cannot walk (tracks: null...)
            raise TimelineError(f"cannot walk the timeline: {type(exc).__name__}: {exc}", path) from exc
        timeline = FactGroup({"timeline.path": path})
        for place in places:
            place.facts = Facts(place)
            place.facts.add_group(timeline)
        return places

    def _collect(self, places: Sequence[ClipPlace], context: RunContext) -> None:
        for collector in self.collectors:
            try:
                collector.collect(places, context)
            except Exception:  # a broken collector: find the clips it fails on, the rest keep its facts
                collect_each(collector, places, context)

    def findings_for(self, place: ClipPlace, matches: list[Match], path: str) -> list[Finding]:
        """Turn a clip's matches into findings with editorial coordinates."""
        if not matches:
            return []
        review = review_state(place.clip)
        record_in, record_out = in_out(place.record_range)
        source = range_dict(_source_range(place.clip))
        return [self._finding(place, m, path, review, record_in, record_out, source) for m in matches]

    def _finding(self, place: ClipPlace, match: Match, path: str, review: dict[str, Any] | None,
                 record_in: str | None, record_out: str | None, source: Any) -> Finding:
        rule = match.rule
        cleared = clears(review, rule.id)
        return Finding(
            timeline=path, timeline_name=place.timeline_name, track=place.track_name,
            clip=place.clip.name, clip_index=place.index, record_in=record_in, record_out=record_out,
            record_range=range_dict(place.record_range), source_range=source,
            media=_text_or_none(place.facts.first("media.target")), rule=rule.id, title=rule.title,
            severity=severity_of(rule, match, place.facts), category=rule.category,
            message=render_message(message_for(rule, match, place.facts), place.facts, match),
            evidence=[Evidence(hit[0], _jsonable(hit[1]), hit[2], sel, _source_of(hit[0]))
                      for sel, hit in match.evidence],
            requires=match.requires, tool=match.captures.get("tool") or match.captures.get("generator") or rule.tool,
            vendor=match.captures.get("vendor") or rule.vendor, tags=list(rule.tags),
            status="cleared" if cleared else "open", context=match.context.id if match.context else None,
            credit=render_message(rule.credit, place.facts, match) if rule.credit else None,
            review=review if cleared else None, captures=dict(match.captures),
            media_path=_text_or_none(place.facts.first("media.path")), media_state=place.media_state,
            strength=strength_of(rule, match, place.facts))

    def check_paths(self, paths: Sequence[str], jobs: int = 1) -> RunResult:
        """Check timeline files, each in its own child process; never raises for a bad file."""
        from .batch import check_batch
        return check_batch(paths, self.options, jobs=jobs, checker=self)


@contextlib.contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while one timeline is read and checked.

    A big timeline means hundreds of thousands of live objects; every collection would walk all
    of them again for nothing (nothing here is garbage until the timeline is done). Reference
    counting still frees memory as usual; cycles are collected when the collector resumes.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


#: After this many clips a broken collector failed on one by one, the rest are not tried again.
MAX_COLLECTOR_RETRIES = 50


def collect_each(collector: Collector, places: Sequence[ClipPlace], context: RunContext) -> None:
    """Run a collector that failed on a batch clip by clip: each clip it still fails on gets a
    ``collector.failed`` fact (a finding: its evidence is unknown, never clean)."""
    failures = 0
    for place in places:
        reason = None
        if failures < MAX_COLLECTOR_RETRIES:
            try:
                collector.collect([place], context)
            except Exception as exc:
                reason = f"{collector.name}: {type(exc).__name__}: {' '.join(str(exc).split())[:200]}"
        else:
            reason = f"{collector.name}: not run (it failed on {MAX_COLLECTOR_RETRIES} clips)"
        if reason is not None:
            failures += 1
            place.facts.add({"collector.failed": reason})
    if failures:
        context.warn(f"collector {collector.name!r} failed on {failures} clip(s); they are reported unreadable")


def _text_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


def _source_range(clip: Any) -> Any:
    try:
        return clip.trimmed_range()
    except Exception:
        return None


def _source_of(path: str) -> str:
    head = path.split(".", 1)[0]
    timeline_heads = {"clip", "track", "timeline", "marker", "effect", "metadata", "record", "review"}
    if head in timeline_heads or path.startswith("media.metadata") or path in ("media.target", "media.name",
                                                                                  "media.kind"):
        return "timeline"
    return head


def _jsonable(value: Any) -> Any:
    return value if isinstance(value, (str, int, float, bool)) or value is None else str(value)


def render_message(template: str, facts: Facts, match: Match) -> str:
    """Fill {field} placeholders from facts and rule attributes; never evaluates anything."""
    rule = match.rule
    extra = {"tool": rule.tool, "vendor": rule.vendor, "title": rule.title, "id": rule.id,
             "category": rule.category, "severity": match.severity, **match.captures}

    def fill(found: re.Match[str]) -> str:
        name = found.group(1)
        if name == "evidence":
            return "; ".join(f"{hit[0]}={_short(hit[1])}" for _, hit in match.evidence[:3]) or "-"
        if name in extra:
            return "" if extra[name] is None else str(extra[name])
        value = facts.first(name)
        return "" if value is None else _short(value)
    return _PLACEHOLDER.sub(fill, template)


def _short(value: Any, limit: int = 120) -> str:
    text = " ".join(value_text(value).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def check_paths(paths: Sequence[str], options: CheckOptions | None = None) -> RunResult:
    """Check timeline files with the given options and return the whole run."""
    return Checker(options or CheckOptions()).check_paths(paths)


__all__ = ["CheckOptions", "Checker", "check_paths", "render_message", "TimelineError"]
