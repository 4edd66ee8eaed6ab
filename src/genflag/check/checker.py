"""The checker: read → walk clips → collect facts → evaluate rules → findings, per timeline.

The checker never raises for one bad timeline or clip: errors are recorded in the TimelineResult
beside the findings, and the run goes on. Its pack is the one the options select (selection.py),
its collectors run in order (collection.py), findings are built by finding_builder.py.
"""

from __future__ import annotations

import contextlib
import gc
from datetime import datetime, timezone
from typing import Any, Iterable, Iterator, Sequence

from ..errors import GenflagError, TimelineError
from ..facts.clip_fields import snapshot
from ..facts.view import FactGroup, Facts
from ..findings import Finding, RunResult, TimelineResult
from ..rules.pack import RulePack, load_pack
from ..safe_text import describe_exception
from ..timeline.read import read_timeline, timelines_in
from ..timeline.walk import ClipPlace, clip_places
from .batch import check_batch
from .collection import collect, load_collectors
from .engine import Engine, Match
from .finding_builder import findings_for
from .media_state import MediaTally
from .options import CheckOptions
from .selection import selected_pack

#: Clips collected and evaluated together: collectors batch their work over them (one probe per unique
#: file, one asset-manager call), and their snapshots are let go before the next batch.
BATCH_CLIPS = 2048  # a 10k-clip cut: 154 MB peak against 200 MB with 8192, at the same speed


class Checker:
    """A selected rule pack and collectors, ready to check any number of timelines."""

    def __init__(self, options: CheckOptions, pack: RulePack | None = None) -> None:
        self.options = options
        self.pack = selected_pack(pack or load_pack(options.rules, options.include_default_rules), options)
        self.engine = Engine(self.pack, prefilter=not options.evaluate_all)
        self.collectors = load_collectors(options.collectors, options.probe_media)
        self.checked_at = datetime.now(timezone.utc).replace(microsecond=0).isoformat()

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
        """Yield, per batch of at most BATCH_CLIPS clips of each timeline in the object, the clips'
        places and each clip's matches (the batches of one timeline share one RunContext).

        A batch is collected, evaluated and let go before the next: a clip's snapshot lives only
        while its batch does, so memory is the timeline plus one batch, not every clip's JSON at once.
        Raises TimelineError for a timeline whose structure cannot be walked (a malformed file).
        """
        for container in timelines_in(obj, path):
            result.timelines += 1
            context = self.options.run_context(path)
            places = self.places(container, path)
            result.clips += len(places)
            tally = MediaTally(self.options.probe_media)
            for start in range(0, len(places), BATCH_CLIPS):
                batch = places[start:start + BATCH_CLIPS]
                collect(self.collectors, batch, context)
                tally.record(batch, result)
                yield batch, [self._evaluate(place) for place in batch]
                for place in batch:  # its findings are built: let its JSON go
                    place.data = None
            tally.count(result)
            result.warnings.extend(dict.fromkeys(context.warnings))  # a batch may repeat a warning

    def _evaluate(self, place: ClipPlace) -> list[Match]:
        """Evaluate one clip; a clip without matches lets its facts go (memory on 100k-clip cuts)."""
        snapshot(place)  # first: a clip whose data cannot be read gets its clip.unreadable fact now
        matches = self.engine.evaluate(place.facts)
        if not matches:
            place.facts = None  # also breaks the place <-> facts reference cycle
        return matches

    def places(self, container: Any, path: str) -> list[ClipPlace]:
        """Enumerate a container's clips with their base facts (TimelineError: it cannot be walked)."""
        try:
            places = clip_places(container)
        except Exception as exc:  # a structure OpenTimelineIO read but cannot walk (tracks: null...)
            raise TimelineError(f"cannot walk the timeline: {describe_exception(exc)}", path) from exc
        timeline = FactGroup({"timeline.path": path})
        for place in places:
            place.facts = Facts(place)
            place.facts.add_group(timeline)
        return places

    def findings_for(self, place: ClipPlace, matches: list[Match], path: str) -> list[Finding]:
        """Turn a clip's matches into findings with editorial coordinates (at least --min-evidence)."""
        return findings_for(place, matches, path, self.options.min_evidence)

    def check_paths(self, paths: Sequence[str], jobs: int = 1) -> RunResult:
        """Check timeline files, each in its own child process; never raises for a bad file."""
        return check_batch(self, paths, jobs=jobs)


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


def check_paths(paths: Sequence[str], options: CheckOptions | None = None) -> RunResult:
    """Check timeline files with the given options and return the whole run."""
    return Checker(options or CheckOptions()).check_paths(paths)


__all__ = ["CheckOptions", "Checker", "check_paths", "TimelineError"]
