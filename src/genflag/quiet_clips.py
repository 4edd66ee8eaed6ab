"""Quiet clips: which clips of an .otio file no rule can match, found in one pass over its text.

Per clip, the engine resolves some forty fields and searches each value in an RE2 set; on a
large cut, where a few per cent of clips are generative, that is almost all of genflag's time.
For an .otio file the same answer comes faster from the file itself: every value the rules'
anchor patterns look at (clip and media names, targets, metadata, markers, effects) is written
verbatim inside the clip's JSON object, so one search of the whole text with every anchor
pattern in raw form (rules/raw_patterns.py) finds every clip that could match. The others are
*quiet*: the engine would find no candidate rule for them, so they are counted, not evaluated.

The shortcut is taken only when it is exact (otherwise the caller evaluates every clip):
- the rule pack has no always-evaluated rule, and every anchor looks at a field written
  verbatim in the clip's object (or at a collector namespace, with no collector at work);
- the file has no backslash (so no JSON escape: every string value is verbatim), and every
  clip object starts with its ``OTIO_SCHEMA`` key (so the text from one clip's start to the next
  clip's start holds all of the first clip), and the text's clips are exactly the walked clips;
- the file did not change between OpenTimelineIO's read and this one (size and mtime).
Clips whose text says ``genflag`` (marks to refresh or remove) or whose media is an image
sequence (its target is assembled, not written) are never quiet.
"""

from __future__ import annotations

import os
import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, Iterator

if TYPE_CHECKING:
    from .engine import Engine

#: Fields whose every value is a JSON value written verbatim inside the clip's object.
VERBATIM_FIELDS = frozenset({"clip.name", "media.target", "media.name", "media.generator_kind", "marker.name",
                             "marker.comment", "effect.name", "effect.effect_name"})
VERBATIM_PREFIXES = ("metadata.", "media.metadata.", "effect.metadata.")
#: Namespaces facts come from in the clip itself (others only from collectors).
_CLIP_HEADS = frozenset({"timeline", "track", "clip", "record", "media", "marker", "effect", "metadata", "review"})
#: Text that makes a clip loud whatever the rules: genflag's own marks, assembled targets.
_ALWAYS_LOUD = ("genflag", "ImageSequenceReference")  # sequences: see scan()
#: JSON numbers Python may print differently than the file writes them (exponent, long, tiny).
_ODD_NUMBERS = (r"[:\[,]\s*-?[0-9][0-9.]*[eE][-+]?[0-9]+\s*[,\]}]", r"[:\[,]\s*-?[0-9.]{17,}\s*[,\]}]",
                r"[:\[,]\s*-?0\.0000[0-9]*\s*[,\]}]")
#: Bytes read at a time: the text held at once is one piece plus the clip it cut in two.
CHUNK_BYTES = 8 << 20
_CLIP_SCHEMA = re.compile(rb'"OTIO_SCHEMA"\s*:\s*"Clip\.')


@dataclass(frozen=True)
class SourceFile:
    """A timeline file as it was just before OpenTimelineIO read it (to read the same bytes again)."""

    path: str
    size: int
    mtime_ns: int

    @classmethod
    def before_read(cls, path: str) -> "SourceFile | None":
        """Stamp a file about to be read; None when it cannot be stat'ed."""
        try:
            stat = os.stat(path)
        except OSError:
            return None
        return cls(path, stat.st_size, stat.st_mtime_ns)

    def chunks(self, size: int = CHUNK_BYTES) -> Iterator[bytes | None]:
        """The file's bytes in pieces; a final None when it changed since the stamp or cannot be read."""
        total = 0
        try:
            with open(self.path, "rb") as handle:
                stat = os.fstat(handle.fileno())
                if (stat.st_size, stat.st_mtime_ns) != (self.size, self.mtime_ns):
                    yield None
                    return
                while True:
                    data = handle.read(size)
                    if not data:
                        break
                    total += len(data)
                    yield data
        except OSError:
            yield None
            return
        if total != self.size:
            yield None


@dataclass
class LoudClips:
    """Result of one scan: the indices (in text order) of clips that may match, and the clip count."""

    indices: set[int]
    clip_count: int


class QuietClipScanner:
    """The engine's anchor patterns as one raw-text RE2 search; unusable packs say why in ``reason``."""

    def __init__(self, engine: "Engine") -> None:
        self.reason: str | None = None
        self._regex: Any = None
        patterns = self._patterns(engine)
        if patterns is not None:
            self._regex = _compile(patterns)

    @property
    def usable(self) -> bool:
        """True when the pack allows the shortcut at all."""
        return self._regex is not None

    def _patterns(self, engine: "Engine") -> list[str] | None:
        from .rules.raw_patterns import may_match_number, raw_pattern
        if engine.has_always_rules():
            self.reason = "a rule is evaluated on every clip"
            return None
        anchors: dict[str, str] = {}  # prefilter pattern -> its field (one transformation per pattern)
        for leaf in engine.anchor_leaves():
            head = leaf.field.split(".", 1)[0]
            if head not in _CLIP_HEADS:
                continue  # collector facts: the shortcut is only taken when no collector works
            if leaf.field not in VERBATIM_FIELDS and not leaf.field.startswith(VERBATIM_PREFIXES):
                self.reason = f"a rule is anchored on {leaf.field}, which is not written verbatim in the clip"
                return None
            anchors.update(dict.fromkeys(leaf.prefilters, leaf.field))
        patterns = [re.escape(text) for text in _ALWAYS_LOUD]
        for pattern, field_name in anchors.items():
            raw = raw_pattern(pattern)
            if not raw:
                self.reason = f"an anchor pattern of {field_name} matches everything"
                return None
            patterns.append(raw)
        if any(may_match_number(pattern) for pattern in anchors):
            patterns.extend(_ODD_NUMBERS)
        return list(dict.fromkeys(patterns))

    def scan(self, text: bytes) -> LoudClips | None:
        """Find the clips of an .otio text that may match; None when the text does not allow it."""
        return self.scan_chunks([text])

    def scan_file(self, source: SourceFile) -> LoudClips | None:
        """scan() over a file read in chunks (peak memory: a chunk, not the file)."""
        return self.scan_chunks(source.chunks())

    def scan_chunks(self, chunks: Iterable[bytes | None]) -> LoudClips | None:
        """scan() over consecutive pieces of one text; a None piece (file changed) gives None."""
        if self._regex is None:
            return None
        loud: set[int] = set()
        count, buffer = 0, b""
        for chunk, last in _with_last(chunks):
            if chunk is None or b"\\" in chunk:
                return None
            buffer = buffer + chunk if buffer else chunk
            starts = _clip_starts(buffer)
            if starts is None:
                return None
            if last:
                self._search(buffer, starts, len(buffer), count, loud)
                return LoudClips(loud, count + len(starts))
            if len(starts) > 1:  # clips before the last start are whole: settle them, keep the rest
                self._search(buffer, starts, starts[-1], count, loud)
                count += len(starts) - 1
                buffer = buffer[starts[-1]:]
        return LoudClips(loud, count)

    def _search(self, text: bytes, starts: list[int], limit: int, base: int, loud: set[int]) -> None:
        """Add to loud the clips (numbered from base) of text up to limit that a pattern hits."""
        if not starts or starts[0] >= limit:
            return
        search = self._regex.search
        position = starts[0]  # text before the first clip is the timeline's and tracks' own
        while position < limit:
            found = search(text, position, limit)
            if found is None:
                return
            index = bisect_right(starts, found.start()) - 1
            end = starts[index + 1] if index + 1 < len(starts) else limit
            if text.startswith(_SEQUENCE, found.start()) and self._sequence_quiet(text, found.start(), end):
                position = found.end()  # the sequence's own target is quiet: look on in the clip
                continue
            loud.add(base + index)
            position = end  # the rest of this clip's text cannot change anything

    def _sequence_quiet(self, text: bytes, start: int, end: int) -> bool:
        """True when an image sequence's assembled target (as media_target makes it) hits no pattern."""
        target = sequence_target(text, start, end)
        return target is not None and self._regex.search(target) is None


_SEQUENCE = b"ImageSequenceReference"
_SEQUENCE_PART = re.compile(rb'"(target_url_base|name_prefix|name_suffix)"\s*:\s*"([^"]*)"'
                            rb'|"(frame_zero_padding)"\s*:\s*([0-9]+)')


def _with_last(chunks: Iterable[bytes | None]) -> Iterator[tuple[bytes | None, bool]]:
    """Pair each piece with whether it is the last one."""
    previous: list[bytes | None] = []
    for chunk in chunks:
        if previous:
            yield previous[0], False
        previous = [chunk]
    if previous:
        yield previous[0], True


def sequence_target(text: bytes, start: int, end: int) -> bytes | None:
    """The abstract target of the image sequence whose schema is at start, or None when unclear.

    Mirrors facts.media_target: ``base/`` + prefix + ``#`` x padding + suffix. Any key seen twice
    (a second reference, or the key in metadata) makes it unclear: the clip is then loud.
    """
    parts: dict[bytes, bytes] = {}
    for found in _SEQUENCE_PART.finditer(text, start, end):
        key = found.group(1) or found.group(3)
        if key in parts:
            return None
        parts[key] = found.group(2) if found.group(1) else found.group(4)
    if len(parts) != 4:
        return None
    base = parts[b"target_url_base"]
    base = base if base.endswith(b"/") else base + b"/"
    hashes = b"#" * max(1, int(parts[b"frame_zero_padding"]))
    return base + parts[b"name_prefix"] + hashes + parts[b"name_suffix"]


def _clip_starts(text: bytes) -> list[int] | None:
    """Offsets of every clip object's ``{``; None when a clip object does not start with its schema."""
    starts = []
    for found in _CLIP_SCHEMA.finditer(text):
        brace = text.rfind(b"{", 0, found.start())
        if brace < 0 or text[brace + 1:found.start()].strip():
            return None
        starts.append(brace)
    return starts


def _compile(patterns: list[str]) -> Any:
    import re2
    options = re2.Options()
    options.case_sensitive = False
    options.never_capture = True
    options.max_mem = 256 << 20
    options.log_errors = False
    return re2.compile("|".join(f"(?:{p})" for p in patterns).encode("utf-8"), options)
