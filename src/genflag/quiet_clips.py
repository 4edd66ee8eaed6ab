"""Quiet clips: which clips of an .otio file no rule can match, found in one pass over its text.

Per clip, the engine resolves some forty fields and searches each value in an RE2 set; on a
large cut, where a few per cent of clips are generative, that is almost all of genflag's time.
For an .otio file the same answer comes faster from the file itself: every value the rules'
anchor patterns look at (clip and media names, targets, metadata, markers, effects) is written
verbatim inside the clip's JSON object, so one search of the whole text with every anchor
pattern in raw form (rules/raw_patterns.py) finds every clip that could match. The text is
searched without its spaces (two thirds of an indented file); the raw patterns are rewritten so
that each atom that could match a space is optional (raw_patterns.despaced). The others are
*quiet*: the engine would find no candidate rule for them, so they are counted, not evaluated.
Reading the text is otio_text.py's job; stamping the file, source_file.py's.

The shortcut is taken only when it is exact (otherwise the caller evaluates every clip):
- the rule pack has no always-evaluated rule, and every anchor looks at a field written
  verbatim in the clip's object (or at a collector namespace, with no collector at work);
- no string holds an escaped quote (``\\"``, ``\\u0022``), which would look like structure once
  decoded; every other JSON escape is decoded before the search (otio_text.searchable_pieces), so
  every string value is searched as a JSON parser reads it;
- every clip object starts with its ``OTIO_SCHEMA`` key (so the text from one clip's start to the
  next clip's start holds all of the first clip), and the text's clips are exactly the walked clips;
- the file did not change between OpenTimelineIO's read and this one (size and mtime).
Clips whose text says ``genflag`` (marks to refresh or remove) are never quiet. An image
sequence's target is assembled from three values, so it is assembled (as facts.media_target does)
and searched too.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Iterable

from .facts import CLIP_NAMESPACES, CLIP_TREES
from .forked_call import ForkedCall, ForkedCallFailed, can_fork
from .otio_text import schema_positions, searchable_pieces, sequence_target
from .rules.prefilter import SQUASHED
from .source_file import SourceFile
from .writeback.marks import NAMESPACE as MARKS_NAMESPACE

if TYPE_CHECKING:
    from .engine import Engine

#: Fields whose every value is a JSON value written verbatim inside the clip's object.
VERBATIM_FIELDS = frozenset({"clip.name", "media.target", "media.name", "media.generator_kind", "marker.name",
                             "marker.comment", "effect.name", "effect.effect_name"})
#: Field prefixes whose values are the clip's own metadata trees, written verbatim too.
VERBATIM_PREFIXES = CLIP_TREES
#: Text that makes a clip loud whatever the rules: genflag's own marks (to refresh or remove).
_ALWAYS_LOUD = (MARKS_NAMESPACE,)
#: JSON numbers Python may print differently than the file writes them (exponent, long, tiny).
_ODD_NUMBERS = (r"[:\[,]\s*-?[0-9][0-9.]*[eE][-+]?[0-9]+\s*[,\]}]", r"[:\[,]\s*-?[0-9.]{17,}\s*[,\]}]",
                r"[:\[,]\s*-?0\.0000[0-9]*\s*[,\]}]")


class QuietScan:
    """The quiet scan of one .otio file: stamped before OpenTimelineIO reads it, run when asked.

    A thread beside the read gains nothing (OpenTimelineIO's reader holds the GIL); with
    ``beside_read``, where forking is safe, the scan runs in a forked child on another core while
    the caller reads. Otherwise, or when the child gives no result, it runs when the result is
    asked for. The stamp is checked again then: a file that changed since gives None, and every
    clip is evaluated.
    """

    def __init__(self, scanner: "QuietClipScanner", source: SourceFile, beside_read: bool = False) -> None:
        self._scanner, self._source = scanner, source
        self._done = False
        self._result: LoudClips | None = None
        self._child: ForkedCall | None = None
        if beside_read and can_fork():
            try:
                self._child = ForkedCall(self._plain_scan)
            except OSError:  # no processes or pipes left: scan here, later
                self._child = None

    @property
    def source(self) -> SourceFile:
        """The file as stamped before it was read."""
        return self._source

    def _plain_scan(self) -> tuple[list[int], int] | None:
        found = self._scanner.scan_file(self._source)
        return None if found is None else (list(found.indices), found.clip_count)

    def result(self) -> LoudClips | None:
        """Scan (once); None when the shortcut does not apply (see the module docstring)."""
        if not self._done:
            self._done = True
            try:
                plain = self._from_child() if self._child is not None else self._plain_scan()
                self._result = None if plain is None else LoudClips(set(plain[0]), plain[1])
            except Exception:  # a shortcut must never fail a check: evaluate every clip instead
                self._result = None
        return self._result if self._source.unchanged() else None

    def _from_child(self) -> tuple[list[int], int] | None:
        child, self._child = self._child, None
        try:
            return child.result()  # type: ignore[union-attr]
        except ForkedCallFailed:
            return self._plain_scan()


@dataclass
class _Piece:
    """One piece of text being searched: its clip starts, sequence offsets, first clip number, result set."""

    text: bytes
    starts: list[int]
    sequences: list[int]
    base: int
    loud: set[int]


@dataclass
class LoudClips:
    """Result of one scan: the indices (in text order) of clips that may match, and the clip count."""

    indices: set[int]
    clip_count: int


class QuietClipScanner:
    """The engine's anchor patterns as one raw-text RE2 search; unusable packs say why in ``reason``."""

    def __init__(self, engine: "Engine") -> None:
        self.reason: str | None = None
        self._compiled: list[Any] | None = None
        self._sources = self._patterns(engine)

    @property
    def usable(self) -> bool:
        """True when the pack allows the shortcut at all."""
        return self._sources is not None

    def ready(self) -> bool:
        """Compile the automata now: True when the shortcut can be taken (else ``reason`` says why)."""
        try:
            return bool(self._regexes)
        except Exception as exc:  # RE2 out of memory for a huge pack, say
            self.reason, self._sources = f"the raw anchor patterns do not compile: {exc}", None
            return False

    @property
    def _regexes(self) -> list[Any]:
        """The automata, compiled on first use (a scan run in a forked child compiles them there)."""
        if self._compiled is None:
            self._compiled = []
            if self._sources is not None:
                latin1, utf8 = self._sources
                self._compiled = [_compile(tuple(utf8), latin1=False)] + \
                    ([_compile(tuple(latin1), latin1=True)] if latin1 else [])
        return self._compiled

    def _patterns(self, engine: "Engine") -> tuple[list[str], list[str]] | None:
        """(Latin-1 patterns, UTF-8 patterns): ASCII word needles go in the first, smaller automaton."""
        from .rules.raw_patterns import (
            despaced,
            may_match_number,
            raw_pattern,
            squashed_raw_latin1,
        )
        anchors = self._anchor_patterns(engine)
        if anchors is None:
            return None
        latin1: list[str] = []
        utf8 = [re.escape(text) for text in _ALWAYS_LOUD]
        for pattern, field_name in _without_implied_words(anchors).items():
            narrow = squashed_raw_latin1(pattern[len(SQUASHED):]) if pattern.startswith(SQUASHED) else None
            if narrow is not None:
                latin1.append(narrow)  # no spaces in a word needle: nothing to despace
                continue
            raw = raw_pattern(pattern)
            if not raw:
                self.reason = f"an anchor pattern of {field_name} matches everything"
                return None
            utf8.append(despaced(raw))
        if any(may_match_number(pattern) for pattern in anchors):
            utf8.extend(despaced(number) for number in _ODD_NUMBERS)
        return list(dict.fromkeys(latin1)), list(dict.fromkeys(utf8))

    def _anchor_patterns(self, engine: "Engine") -> dict[str, str] | None:
        """Every anchor leaf's prefilter pattern, with its field; None (and a reason) if one cannot be served."""
        if engine.has_always_rules():
            self.reason = "a rule is evaluated on every clip"
            return None
        anchors: dict[str, str] = {}
        for leaf in engine.anchor_leaves():
            head = leaf.field.split(".", 1)[0]
            if head not in CLIP_NAMESPACES:
                continue  # collector facts: the shortcut is only taken when no collector works
            if leaf.field not in VERBATIM_FIELDS and not leaf.field.startswith(VERBATIM_PREFIXES):
                self.reason = f"a rule is anchored on {leaf.field}, which is not written verbatim in the clip"
                return None
            anchors.update(dict.fromkeys(leaf.prefilters, leaf.field))
        return anchors

    def scan(self, text: bytes) -> LoudClips | None:
        """Find the clips of an .otio text that may match; None when the text does not allow it."""
        return self.scan_chunks([text])

    def scan_file(self, source: SourceFile) -> LoudClips | None:
        """scan() over a file read in chunks (peak memory: a chunk and the clip it cuts, not the file)."""
        return self.scan_chunks(source.chunks())

    def scan_chunks(self, chunks: Iterable[bytes | None]) -> LoudClips | None:
        """scan() over consecutive pieces of one text; a None piece (file changed) gives None."""
        if not self._regexes:
            return None
        loud: set[int] = set()
        count, buffer = 0, bytearray()
        starts: list[int] = []
        sequences: list[int] = []
        resume = 0  # where the clip-key search goes on: text before it was searched (no rescans)
        for chunk, last in searchable_pieces(chunks):
            if chunk is None:
                return None
            buffer += chunk
            found = schema_positions(buffer, resume)
            if found is None:
                return None
            starts, sequences, resume = starts + found[0], sequences + found[1], found[2]
            whole = len(starts) if last else len(starts) - 1  # the last clip may go on in the next piece
            if whole > 0:
                limit = len(buffer) if last else starts[-1]
                self._search(_Piece(bytes(buffer), starts, sequences, count, loud), limit)
                count += whole
                if not last:  # keep the unfinished clip only
                    cut = starts[-1]
                    del buffer[:cut]
                    starts, resume = [0], resume - cut
                    sequences = [offset - cut for offset in sequences if offset >= cut]
        return LoudClips(loud, count)

    def _search(self, piece: "_Piece", limit: int) -> None:
        """Add to piece.loud the clips of the piece up to offset ``limit`` that a pattern hits."""
        text, starts, loud, base = piece.text, piece.starts, piece.loud, piece.base
        for regex in self._regexes:
            search = regex.search
            position = starts[0]  # text before the first clip is the timeline's and tracks' own
            while position < limit:
                found = search(text, position, limit)
                if found is None:
                    break
                index = bisect_right(starts, found.start()) - 1
                loud.add(base + index)
                position = starts[index + 1] if index + 1 < len(starts) else limit  # the rest adds nothing
        for offset in piece.sequences[bisect_right(piece.sequences, starts[0]):bisect_right(piece.sequences, limit)]:
            index = bisect_right(starts, offset) - 1
            if base + index not in loud:
                end = min(starts[index + 1], limit) if index + 1 < len(starts) else limit
                if not self._sequence_quiet(text, offset, end):
                    loud.add(base + index)

    def _sequence_quiet(self, text: bytes, start: int, end: int) -> bool:
        """True when an image sequence's assembled target (as media_target makes it) hits no pattern."""
        target = sequence_target(text, start, end)
        return target is not None and all(regex.search(target) is None for regex in self._regexes)


def _without_implied_words(anchors: dict[str, str]) -> dict[str, str]:
    """Drop word patterns whose needle contains another word needle: the shorter one's raw pattern
    hits wherever the longer one's does, so the longer adds nothing but DFA states."""
    needles = sorted({p[len(SQUASHED):] for p in anchors if p.startswith(SQUASHED)}, key=len)
    kept: list[str] = []
    for needle in needles:
        if not any(shorter in needle for shorter in kept):
            kept.append(needle)
    keep = {SQUASHED + needle for needle in kept}
    return {p: f for p, f in anchors.items() if not p.startswith(SQUASHED) or p in keep}


@lru_cache(maxsize=8)
def _compile(patterns: tuple[str, ...], latin1: bool) -> Any:
    """One RE2 automaton for the patterns; shared by every scanner of the process with the same ones
    (its lazily built DFA too: a Dask worker warmed by one checker is warm for the next)."""
    import re2
    options = re2.Options()
    options.case_sensitive = False
    options.never_capture = True
    options.max_mem = 256 << 20
    options.log_errors = False
    if latin1:
        options.encoding = re2.Options.Encoding.LATIN1
    return re2.compile("|".join(f"(?:{p})" for p in patterns).encode("ascii" if latin1 else "utf-8"), options)
