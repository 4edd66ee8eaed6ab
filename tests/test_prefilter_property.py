"""The prefilter never drops a match: for every comparison, on every kind of source, under Unicode
case folding (issue 15: exact by construction; issue 20: Straße and STRASSE).

Each example builds a one-rule pack and a clip, and compares the engine with its prefilter against
the same engine evaluating every rule (``--evaluate-all``). A second property does the same for
random cuts and random packs through the whole checker. ``GENFLAG_FUZZ=long`` runs more examples.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Any

import opentimelineio as otio
import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from genflag.check.checker import Checker, CheckOptions
from genflag.check.engine import Engine
from genflag.errors import ProblemsError
from genflag.facts.view import Facts
from genflag.rules.modifiers import COMPARISON_TABLE
from genflag.rules.pack import load_pack
from genflag.timeline.walk import clip_places

pytestmark = pytest.mark.slow

LONG = os.environ.get("GENFLAG_FUZZ") == "long"
EXAMPLES = 3000 if LONG else 150
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: Characters that fold, split or combine in surprising ways, mixed with plain ones.
TRICKY = "ßẞİıΣσςﬁﬀǅǈ\u0307\u0301ÅåKk\u212a\u00b5\u03bcßsSI"
ALPHABET = st.one_of(st.sampled_from(list(TRICKY) + list("abcxyzSORArunwayGen4_-./ 0123456789\n\t\"\\")),
                     st.characters(blacklist_categories=("Cs",)))
TEXT = st.text(ALPHABET, max_size=14)
WORDISH = st.text(st.sampled_from(list(TRICKY) + list("abcRunwaySORAgen4 _-")), min_size=1, max_size=10)
LITERAL_COMPARISONS = ["equals", "contains", "startswith", "endswith"]
REGEX_PIECES = ["^", "$", r"\A", r"\z", r"\b", ".", r"\d", "[a-z]", "(ab|c)", "x?", "y*", "ß", "(?i)s", "İ", "\\.",
                "runway", "Gen", r"\s", "[^/]"]
#: Where a rule's field gets its values: the clip's name, metadata, markers, media reference, or a collector.
FIELDS = ["clip.name", "metadata.studio.note", "metadata.*", "marker.comment", "media.target", "probe.note",
          "probe.*"]


def _pack(rules: list[dict[str, Any]]) -> Any:
    folder = Path(tempfile.mkdtemp(prefix="genflag-prop-"))
    path = folder / "rules.yaml"
    path.write_text(yaml.safe_dump({"genflag_rules": 1, "rules": rules}), encoding="utf-8")
    return load_pack([str(path)], include_default=False)


def _rule(index: int, field: str, comparison: str, expected: Any, cased: bool) -> dict[str, Any]:
    key = f"{field}|{comparison}" + ("|cased" if cased and comparison != "regex" else "")
    return {"id": f"prop.r{index}", "title": "t", "category": "generative.image", "severity": "error",
            "match": {"hit": {key: expected}}}


def _clip(field: str, value: str) -> tuple[otio.schema.Clip, dict[str, Any]]:
    """A clip whose ``field`` holds ``value`` (and the collector facts, for probe.* fields)."""
    clip = otio.schema.Clip(name=value if field == "clip.name" else "plain",
                            source_range=otio.opentime.TimeRange(otio.opentime.RationalTime(0, 24),
                                                                 otio.opentime.RationalTime(10, 24)))
    if field.startswith("metadata."):
        clip.metadata["studio"] = {"note": value}
    if field == "marker.comment":
        marker = otio.schema.Marker(name="m")
        marker.comment = value
        clip.markers.append(marker)
    if field == "media.target":
        clip.media_reference = otio.schema.ExternalReference(target_url=value)
    return clip, ({"probe.note": value} if field.startswith("probe.") else {})


def _matches(engine: Engine, clip: otio.schema.Clip, collected: dict[str, Any]) -> list[str]:
    timeline = otio.schema.Timeline(tracks=[otio.schema.Track(children=[clip])])
    [place] = clip_places(timeline)
    place.facts = Facts(place)
    if collected:
        place.facts.add(collected)
    return sorted(m.rule.id for m in engine.evaluate(place.facts))


def _agree(pack: Any, clip: otio.schema.Clip, collected: dict[str, Any]) -> list[str]:
    fast = _matches(Engine(pack), clip, collected)
    full = _matches(Engine(pack, prefilter=False), clip, collected)
    assert fast == full
    return full


@SETTINGS
@given(st.sampled_from(LITERAL_COMPARISONS), TEXT.filter(bool), TEXT, st.booleans(), st.sampled_from(FIELDS))
def test_literal_comparisons_are_never_dropped(comparison: str, expected: str, value: str, cased: bool,
                                               field: str) -> None:
    clip, collected = _clip(field, value)
    _agree(_pack([_rule(0, field, comparison, expected, cased)]), clip, collected)


@SETTINGS
@given(WORDISH, TEXT, st.booleans(), st.sampled_from(FIELDS))
def test_word_comparisons_are_never_dropped(expected: str, value: str, cased: bool, field: str) -> None:
    if not re.search(r"[^\W_]", expected):
        return  # word needs a letter or digit (a rule error, tested elsewhere)
    clip, collected = _clip(field, value)
    _agree(_pack([_rule(0, field, "word", expected, cased)]), clip, collected)


@SETTINGS
@given(st.lists(st.sampled_from(REGEX_PIECES), min_size=1, max_size=5), TEXT, st.booleans(), st.sampled_from(FIELDS))
def test_regex_comparisons_are_never_dropped(pieces: list[str], value: str, insensitive: bool, field: str) -> None:
    pattern = "".join(pieces)
    clip, collected = _clip(field, value)
    rule = _rule(0, field, "regex|i" if insensitive else "regex", pattern, False)
    _agree(_pack([rule]), clip, collected)


@pytest.mark.parametrize("expected, value", [("strasse", "Hauptstraße"), ("STRASSE", "straße"),
                                             ("İstanbul", "SH010_İstanbul_v001"), ("σοφια", "ΣΟΦΙΑ")])
@pytest.mark.parametrize("field", FIELDS)
def test_case_folded_matches_survive_the_prefilter(expected: str, value: str, field: str) -> None:
    """Issue 20: `contains: strasse` matches Straße in full evaluation, and so with the prefilter."""
    clip, collected = _clip(field, value)
    assert _agree(_pack([_rule(0, field, "contains", expected, False)]), clip, collected) == ["prop.r0"]


def test_a_numeric_metadata_value_reaches_the_prefilter_as_rules_read_it() -> None:
    """The text scan missed a RationalTime in metadata (86400 in the text, 86400.0 to rules)."""
    clip, _ = _clip("clip.name", "plain")
    clip.metadata["start"] = otio.opentime.RationalTime(86400, 24)
    assert _agree(_pack([_rule(0, "metadata.*", "contains", "86400.0", False)]), clip, {}) == ["prop.r0"]


#: Expected values of any kind a rule may give: a comparison refuses the ones it cannot take (a rule
#: error), so every comparison of the table gets the values it accepts, without a strategy of its own.
ANY_EXPECTED = st.one_of(TEXT, WORDISH, st.lists(st.sampled_from(REGEX_PIECES), min_size=1, max_size=4).map("".join),
                         st.integers(-100, 100), st.floats(-1e3, 1e3, allow_nan=False), st.booleans(),
                         st.lists(TEXT.filter(bool), min_size=1, max_size=3))
#: Fact values: text, and numbers written as text (what numeric comparisons compare).
ANY_VALUE = st.one_of(TEXT, st.integers(-100, 100).map(str), st.floats(-1e3, 1e3, allow_nan=False).map(str))
TABLE_SETTINGS = settings(max_examples=300 if LONG else 40, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


@pytest.mark.parametrize("comparison", sorted(COMPARISON_TABLE))
def test_every_comparison_of_the_table_is_never_dropped_by_the_prefilter(comparison: str) -> None:
    """Loops over modifiers.COMPARISON_TABLE, so a comparison added there is covered with no change here."""
    @TABLE_SETTINGS
    @given(ANY_EXPECTED, ANY_VALUE, st.booleans(), st.sampled_from(FIELDS))
    def never_dropped(expected: Any, value: str, cased: bool, field: str) -> None:
        try:
            pack = _pack([_rule(0, field, comparison, expected, cased)])
        except ProblemsError:
            assume(False)  # a value this comparison refuses (a rule error, tested in test_rules_loader.py)
        clip, collected = _clip(field, value)
        _agree(pack, clip, collected)
    never_dropped()


NAMES = st.sampled_from(["SH010_plate_v001", "SH020_RunwayGen4_v002", "SORA_clip", "diasora", "Straße_sky",
                         "SH030_sdxl_matte", "A001C002", "Hailuo ref", "ElevenLabs_vo.wav", "İstanbul"])


@settings(max_examples=60 if not LONG else 600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(NAMES, TEXT), min_size=1, max_size=12),
       st.lists(st.tuples(st.sampled_from(FIELDS[:-2] + ["track.name", "media.name"]),
                          st.sampled_from(LITERAL_COMPARISONS + ["word"]), WORDISH, st.booleans()),
                min_size=1, max_size=6))
def test_random_cuts_and_packs_give_the_same_findings_with_and_without_the_prefilter(
        clips: list[tuple[str, str]], rules: list[tuple[str, str, str, bool]]) -> None:
    if any(c == "word" and not re.search(r"[^\W_]", e) for _, c, e, _ in rules):
        return
    pack = _pack([_rule(i, f, c, e, cased) for i, (f, c, e, cased) in enumerate(rules)])
    track = otio.schema.Track(name="V1")
    for name, note in clips:
        clip, _ = _clip("metadata.studio.note", note)
        clip.name = name
        clip.media_reference = otio.schema.ExternalReference(target_url=f"/show/{name}/{note}.mov")
        track.append(clip)
    timeline = otio.schema.Timeline(tracks=[track])
    fast = Checker(CheckOptions(probe_media=False), pack=pack).check_object(timeline, "cut.otio")
    full = Checker(CheckOptions(probe_media=False, evaluate_all=True), pack=pack).check_object(timeline, "cut.otio")
    assert [f.to_dict() for f in fast.findings] == [f.to_dict() for f in full.findings]
